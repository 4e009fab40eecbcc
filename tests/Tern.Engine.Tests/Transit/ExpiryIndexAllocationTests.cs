using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Keeping the expiry index (docs/ARCHITECTURE.md §3.2, "Expiring before T") allocates nothing per blob: indexing a
/// submission and moving its deliveries out of Outstanding update cells in place once the minute and its cells exist.
/// </summary>
public sealed class ExpiryIndexAllocationTests
{
    private const long StartMs = 1_893_456_000_000;
    private static readonly string[] Domains = ["a.example", "b.example", "c.example", "d.example"];

    [Fact]
    public void Indexing_blobs_and_their_deliveries_leaving_Outstanding_allocates_nothing_per_blob()
    {
        var index = new ExpiryIndex();
        var random = new Random(3);

        // Warm up: ten minutes of blobs to every domain, all fetched, so minutes, destinations and cells have grown.
        foreach (var blob in Blobs(random, 4000))
        {
            index.Indexed(blob);
            LeaveAll(index, blob);
        }

        // Several measured rounds of 100 submissions each, fetched: the runtime may allocate once while it tiers a loop up,
        // and a minute's list grows now and then, but a path that allocated per blob or per delivery would show in every round.
        var rounds = new List<long>();
        for (var round = 0; round < 4; round++)
        {
            var blobs = Blobs(random, 100);
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var blob in blobs)
            {
                index.Indexed(blob);
            }

            foreach (var blob in blobs)
            {
                LeaveAll(index, blob);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Contains(0L, rounds);
        Assert.Empty(index.ExpiringBefore(long.MaxValue));
    }

    private static void LeaveAll(ExpiryIndex index, BlobEntry blob)
    {
        foreach (var delivery in blob.Deliveries)
        {
            delivery.State = DeliveryState.Fetched;
            blob.OutstandingCount--;
            index.LeftOutstanding(delivery);
        }
    }

    private static BlobEntry[] Blobs(Random random, int count)
    {
        var blobs = new BlobEntry[count];
        for (var i = 0; i < count; i++)
        {
            var expiryMs = StartMs + random.NextInt64(10 * 60_000);
            var blob = new BlobEntry
            {
                Id = MessageId.NewRandom(),
                Account = "alice",
                SubmittedMs = StartMs,
                ExpiryMs = expiryMs,
                Size = random.Next(5000),
                PayloadHash = default,
                Window = BucketWindow.For(expiryMs, 86_400_000),
                FirstChunk = 0,
                ChunkMap = 0,
                ChunkSize = 4096,
            };
            blob.Deliveries = [new DeliveryEntry(blob, FetchCapability.NewRandom(), Domains[i % Domains.Length], RecipientHash.NewRandom()), new DeliveryEntry(blob, FetchCapability.NewRandom(), Domains[(i + 1) % Domains.Length], RecipientHash.NewRandom())];
            blob.OutstandingCount = 2;
            blobs[i] = blob;
        }

        return blobs;
    }
}
