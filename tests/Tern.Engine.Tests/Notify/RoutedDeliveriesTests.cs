using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>The set a scheduler round keeps of the deliveries it has queued: each delivery once per round.</summary>
public sealed class RoutedDeliveriesTests
{
    [Fact]
    public void A_delivery_is_taken_once_until_the_set_is_cleared()
    {
        var set = new RoutedDeliveries();
        var entries = Entries(3, sameCapability: false);

        Assert.All(entries, e => Assert.True(set.Add(e)));
        Assert.All(entries, e => Assert.False(set.Add(e)));

        set.Clear();
        Assert.All(entries, e => Assert.True(set.Add(e)));
    }

    [Fact]
    public void Distinct_index_records_with_one_capability_are_told_apart_by_reference()
    {
        // Equal hashes collide on one slot: the probe goes on past the held entry instead of taking it for the new one.
        var set = new RoutedDeliveries();
        var entries = Entries(5, sameCapability: true);

        Assert.All(entries, e => Assert.True(set.Add(e)));
        Assert.All(entries, e => Assert.False(set.Add(e)));
    }

    [Fact]
    public void Growing_past_its_first_size_keeps_every_delivery_held_and_clears_them_all()
    {
        var set = new RoutedDeliveries();
        var entries = Entries(10_000, sameCapability: false);

        Assert.All(entries, e => Assert.True(set.Add(e)));
        Assert.All(entries, e => Assert.False(set.Add(e)));

        set.Clear();
        Assert.All(entries, e => Assert.True(set.Add(e)));
    }

    private static DeliveryEntry[] Entries(int count, bool sameCapability)
    {
        var blob = new BlobEntry
        {
            Id = MessageId.NewRandom(),
            Account = "alice",
            SubmittedMs = 1_790_000_000_000,
            ExpiryMs = 1_790_604_800_000,
            Size = 49,
            PayloadHash = Bytes32.Random(),
            Window = new BucketWindow(1_790_553_600_000, 1_790_640_000_000),
            FirstChunk = 64,
            ChunkMap = 64,
            ChunkSize = 1 << 20,
        };
        var shared = FetchCapability.NewRandom();
        var entries = new DeliveryEntry[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = new DeliveryEntry(blob, sameCapability ? shared : FetchCapability.NewRandom(), "b.example", RecipientHash.NewRandom());
        }

        return entries;
    }
}
