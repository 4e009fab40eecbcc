using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.GatewayBench;

/// <summary>
/// The expiring-before-T query (issue 17, item 4; docs/OPERATIONS.md) over a gateway's store holding <c>blobs</c> blobs:
/// <c>GET /admin/v1/expiring?before=T</c> through a node's admin surface, the store's <c>ListExpiringBefore</c> called in
/// the process, and the baseline, a plain scan of the same records (destination, expiry, size) held in an array, summed
/// per destination — the floor any unindexed answer stands on. T leaves about half the blobs before it.
/// </summary>
internal static class ExpiringQueryBench
{
    private const int Destinations = 10;
    private const int BatchSize = 1000;

    public sealed record Timing(double P50Ms, double P99Ms, double MaxMs);

    public sealed record Result(int Blobs, double FillSeconds, long Matched, Timing Route, Timing Store, Timing Scan);

    private readonly record struct Record(int Destination, long ExpiryMs, long Size);

    public static async Task<Result> RunAsync(int blobs, int queries, string directory)
    {
        await using var node = await AdminNodeHost.StartAsync("g.example", directory);
        var store = node.Node.Store;
        var domains = Enumerable.Range(0, Destinations).Select(i => $"d{i}.example").ToArray();
        var start = DateTimeOffset.UtcNow.AddHours(1);
        var records = new Record[blobs];

        // Expiries spread over 24 hours from an hour ahead; every blob held for one recipient at one of ten destinations.
        var filling = Stopwatch.StartNew();
        var next = 0;
        async Task FillAsync()
        {
            var content = new byte[64];
            while (true)
            {
                var first = Interlocked.Add(ref next, BatchSize) - BatchSize;
                if (first >= blobs)
                {
                    return;
                }

                var items = new SubmissionItem[Math.Min(BatchSize, blobs - first)];
                for (var i = 0; i < items.Length; i++)
                {
                    var n = first + i;
                    var expiry = start.AddMilliseconds((long)n * 86_400_000 / blobs);
                    records[n] = new Record(n % Destinations, expiry.ToUnixTimeMilliseconds(), content.Length);
                    items[i] = new SubmissionItem(new SubmissionRequest
                    {
                        Account = "a.example",
                        Recipients = [new TransitRecipient(domains[n % Destinations], RecipientHash.NewRandom())],
                        TransitExpiry = expiry,
                    }, content);
                }

                foreach (var outcome in await store.SubmitManyAsync(items))
                {
                    if (outcome.Result is null)
                    {
                        throw new InvalidOperationException($"a submission was refused: {outcome}");
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(FillAsync)));
        filling.Stop();

        var before = start.AddHours(12);
        var beforeMs = before.ToUnixTimeMilliseconds();
        var uri = new Uri("/admin/v1/expiring?before=" + before.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), UriKind.Relative);
        long matched = 0;

        var route = await TimeAsync(queries, async () =>
        {
            using var response = await node.Http.GetAsync(uri);
            response.EnsureSuccessStatusCode();
            using var report = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            matched = report.RootElement.GetProperty("deliveries").GetInt64();
        });
        var inStore = await TimeAsync(queries, () =>
        {
            var listed = store.ListExpiringBefore(before);
            return Task.FromResult(listed.Count);
        });
        var perDomain = new long[Destinations * 2];
        var scan = await TimeAsync(queries, () =>
        {
            Array.Clear(perDomain);
            foreach (ref readonly var record in records.AsSpan())
            {
                if (record.ExpiryMs < beforeMs)
                {
                    perDomain[record.Destination * 2]++;
                    perDomain[(record.Destination * 2) + 1] += record.Size;
                }
            }

            return Task.FromResult(perDomain[0]);
        });

        var scanned = 0L;
        for (var d = 0; d < Destinations; d++)
        {
            scanned += perDomain[d * 2];
        }

        if (scanned != matched)
        {
            throw new InvalidOperationException($"the route counted {matched} deliveries before T, the scan {scanned}");
        }

        return new Result(blobs, filling.Elapsed.TotalSeconds, matched, route, inStore, scan);
    }

    /// <summary>Runs <paramref name="query"/> a few times unmeasured (JIT, caches), then <paramref name="count"/> times measured.</summary>
    private static async Task<Timing> TimeAsync<T>(int count, Func<Task<T>> query)
    {
        for (var i = 0; i < 5; i++)
        {
            await query();
        }

        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await query();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return new Timing(times[(count - 1) / 2], times[Math.Min(count - 1, (int)Math.Ceiling(0.99 * count) - 1)], times[^1]);
    }

    private static Task<Timing> TimeAsync(int count, Func<Task> query) => TimeAsync(count, async () =>
    {
        await query();
        return 0;
    });
}
