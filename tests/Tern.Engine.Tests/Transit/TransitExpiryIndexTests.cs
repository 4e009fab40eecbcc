using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// <see cref="TransitStore.ListExpiringBefore"/> from the expiry index (docs/ARCHITECTURE.md §3.2, "Expiring before T")
/// answers exactly what a scan of every blob answers: over random stores and random instants, through fetches,
/// retractions, transfers, expiry sweeps, checkpoints, a crash replayed from the journal and a restart past expiries.
/// The scan here reads the store's own inspection pages (<see cref="TransitStore.ListMessages(string, int)"/>), not the index.
/// </summary>
public sealed class TransitExpiryIndexTests : IDisposable
{
    private static readonly string[] Domains = ["a.example", "b.example", "c.example", "d.example", "e.example"];

    private readonly TempDirectory _directory = new("transit-expiry-index");
    private readonly ManualClock _time = new(Start);
    private readonly List<(MessageId Id, string[] Domains, FetchCapability[] Capabilities, long ExpiryMs)> _submitted = [];

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_indexed_answer_equals_a_scan_of_every_blob_through_transitions_expiries_and_restarts(int seed)
    {
        var random = new Random(seed);
        var store = await TransitStore.OpenAsync(StoreOptions(), _time);
        try
        {
            await SubmitAsync(store, random, 150);
            AssertMatchesScan(store, random, "after submissions");

            // Not vacuous: an instant two hours ahead splits what is outstanding.
            var all = store.ListExpiringBefore(DateTimeOffset.MaxValue).Sum(d => d.Deliveries);
            var soon = store.ListExpiringBefore(_time.GetUtcNow().AddHours(2)).Sum(d => d.Deliveries);
            Assert.True(soon > 0 && soon < all, $"{soon} of {all} before two hours");
            await ChangeStatesAsync(store, random, 60);
            AssertMatchesScan(store, random, "after fetches, retractions and transfers");

            // Expiries: the sweep moves what passed to Expired and drops it, minutes and buckets included.
            _time.Advance(TimeSpan.FromMinutes(random.Next(20, 90)));
            Assert.True(await store.SweepAsync(_time.GetUtcNow()) > 0);
            AssertMatchesScan(store, random, "after a sweep");

            // A checkpoint, then more only in the journal, then a crash: checkpoint load plus replay.
            await store.CheckpointAsync();
            await SubmitAsync(store, random, 80);
            await ChangeStatesAsync(store, random, 40);
            AssertMatchesScan(store, random, "before the crash");
            var beforeCrash = store.ListExpiringBefore(DateTimeOffset.MaxValue);
            await store.CloseWithoutCheckpointAsync();
            store = await TransitStore.OpenAsync(StoreOptions(), _time);
            Assert.Equal(beforeCrash, store.ListExpiringBefore(DateTimeOffset.MaxValue));
            AssertMatchesScan(store, random, "after the crash");

            // Closed cleanly, then reopened past more expiries: the sweep at open.
            await ChangeStatesAsync(store, random, 20);
            await store.DisposeAsync();
            _time.Advance(TimeSpan.FromMinutes(random.Next(30, 120)));
            store = await TransitStore.OpenAsync(StoreOptions(), _time);
            AssertMatchesScan(store, random, "after a restart past expiries");
            await SubmitAsync(store, random, 40);
            await ChangeStatesAsync(store, random, 20);
            AssertMatchesScan(store, random, "after the restart's own traffic");
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Once_every_blob_expired_and_was_swept_the_index_holds_nothing()
    {
        await using var store = await TransitStore.OpenAsync(StoreOptions(), _time);
        var random = new Random(7);
        await SubmitAsync(store, random, 60);
        await ChangeStatesAsync(store, random, 20);
        var held = store.ExpiryIndexSize;
        Assert.True(held.Destinations > 0 && held.Cells > 0 && held.Minutes > 0);
        Assert.Equal(60, held.BlobReferences);

        _time.Advance(TimeSpan.FromHours(5));
        await store.SweepAsync(_time.GetUtcNow());

        Assert.Equal((0, 0, 0, 0L), store.ExpiryIndexSize);
        Assert.Empty(store.ListExpiringBefore(DateTimeOffset.MaxValue));
    }

    private TransitStoreOptions StoreOptions()
    {
        var options = Options(_directory.Path);

        // Hour-wide buckets so that sweeps also close whole buckets; marks committed at once (no real-time wait).
        options.ExpiryBucketWidth = TimeSpan.FromHours(1);
        options.MarkCommitDelay = TimeSpan.Zero;
        return options;
    }

    /// <summary>
    /// Blobs of 0 to 3000 bytes to one to three destinations (a domain may repeat), expiring from one minute to four hours
    /// ahead: most at a random millisecond, some at another blob's very expiry, some on a minute's or an hour's edge.
    /// </summary>
    private async Task SubmitAsync(TransitStore store, Random random, int count)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var items = new SubmissionItem[count];
        var domains = new string[count][];
        for (var i = 0; i < count; i++)
        {
            var expiryMs = nowMs + 60_000 + random.NextInt64(4 * 3_600_000L);
            var shape = random.Next(10);
            if (shape < 2 && _submitted.Count > 0 && _submitted[random.Next(_submitted.Count)].ExpiryMs is var other && other > nowMs + 60_000)
            {
                expiryMs = other;
            }
            else if (shape == 2)
            {
                expiryMs -= expiryMs % 60_000;
            }
            else if (shape == 3)
            {
                expiryMs = Math.Max(expiryMs - (expiryMs % 3_600_000), nowMs + 3_600_000 - (nowMs % 3_600_000));
            }

            domains[i] = new string[random.Next(1, 4)];
            for (var d = 0; d < domains[i].Length; d++)
            {
                domains[i][d] = Domains[random.Next(Domains.Length)];
            }

            var request = Request(DateTimeOffset.FromUnixTimeMilliseconds(expiryMs), random.Next(2) == 0 ? "alice" : "bob", domains[i]);
            items[i] = new SubmissionItem(request, Bytes(random.Next(4) == 0 ? 0 : random.Next(1, 3000), i));
        }

        var outcomes = await store.SubmitManyAsync(items);
        for (var i = 0; i < count; i++)
        {
            var result = outcomes[i].Result ?? throw new InvalidOperationException($"submission {i} refused", outcomes[i].Error);
            _submitted.Add((result.MessageId, domains[i], [.. result.Capabilities], items[i].Request.TransitExpiry.ToUnixTimeMilliseconds()));
        }
    }

    /// <summary>Fetches, retractions (both accounts tried) and transfers of random submitted blobs, expired or not.</summary>
    private async Task ChangeStatesAsync(TransitStore store, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (id, domains, capabilities, _) = _submitted[random.Next(_submitted.Count)];
            switch (random.Next(4))
            {
                case 0 or 1:
                    await store.MarkFetchedAsync(capabilities[random.Next(capabilities.Length)]);
                    break;
                case 2:
                    await store.RetractAsync(id, random.Next(2) == 0 ? "alice" : "bob");
                    break;
                default:
                    await store.MarkTransferredAsync(id, domains[random.Next(domains.Length)]);
                    break;
            }
        }
    }

    /// <summary>The index's answer against the scan's, at every kind of instant: blob expiries and their neighbours, minute and hour edges, random ones, far past and far future.</summary>
    private void AssertMatchesScan(TransitStore store, Random random, string when)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var instants = new List<long> { 0, nowMs, nowMs + (365L * 86_400_000), long.MaxValue / 4 };
        for (var i = 0; i < 25; i++)
        {
            var expiryMs = _submitted[random.Next(_submitted.Count)].ExpiryMs;
            instants.AddRange([expiryMs, expiryMs - 1, expiryMs + 1, expiryMs - (expiryMs % 60_000), expiryMs - (expiryMs % 60_000) + 60_000, expiryMs - (expiryMs % 3_600_000)]);
            instants.Add(nowMs - 3_600_000 + random.NextInt64(6 * 3_600_000L));
        }

        var blobs = ScanAll(store);
        foreach (var beforeMs in instants)
        {
            var before = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(beforeMs, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
            var expected = Scan(blobs, before);
            var actual = store.ListExpiringBefore(before);
            Assert.True(expected.SequenceEqual(actual), $"{when}, before {before:O}: scan [{string.Join(", ", expected)}], index [{string.Join(", ", actual)}]");
        }

    }

    private static List<TransitMessageSummary> ScanAll(TransitStore store)
    {
        var all = new List<TransitMessageSummary>();
        var after = "";
        while (store.ListMessages(after, 100) is { Count: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1].MessageId.ToString();
        }

        return all;
    }

    /// <summary>What the store answered before the index: every blob expiring before T, each Outstanding delivery counted with the blob's size, by domain.</summary>
    private static List<ExpiringDestination> Scan(List<TransitMessageSummary> blobs, DateTimeOffset before)
    {
        var byDomain = new SortedDictionary<string, ExpiringDestination>(StringComparer.Ordinal);
        foreach (var blob in blobs)
        {
            if (blob.TransitExpiry >= before)
            {
                continue;
            }

            foreach (var (domain, state, _) in blob.Deliveries)
            {
                if (state == DeliveryState.Outstanding)
                {
                    var seen = byDomain.GetValueOrDefault(domain, new ExpiringDestination(domain, 0, 0));
                    byDomain[domain] = seen with { Deliveries = seen.Deliveries + 1, Bytes = seen.Bytes + blob.Size };
                }
            }
        }

        return [.. byDomain.Values];
    }
}
