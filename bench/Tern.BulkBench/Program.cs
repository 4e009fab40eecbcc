using System.Diagnostics;
using System.Globalization;
using Tern.BulkBench;
using Tern.Engine.Bulk;
using Tern.LinkEmulator;

// bench/run-bulk.sh runs this: bulk transfer gateway to gateway over the emulated GEO and LEO links (issue 17), beside
// Tern's HTTP fetch of the same blob over the same emulated link. Prints a Markdown table, then "#key value" lines the
// script reads for its summary rows.
//   Tern.BulkBench [one blob MB = 10] [steady MB = 100] [LEO MB = 50] [HTTP timeout s = 240]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var oneMb = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var steadyMb = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var leoMb = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
var httpTimeout = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 240);
const long Rate = 20_000_000;
const int Mb = 1_000_000;
var geoLight = TimeSpan.FromMilliseconds(300);
var leoLight = TimeSpan.FromMilliseconds(20);

// The sending gateway is the link's client, so the presets' downlink (target → client) is turned round.
LinkProfile Geo() => new() { ToTarget = LinkPresets.Geo().FromTarget, FromTarget = LinkPresets.Geo().ToTarget, Seed = 1 };
LinkProfile Leo() => new() { ToTarget = LinkPresets.Leo().FromTarget, FromTarget = LinkPresets.Leo().ToTarget, Seed = 2 };
LinkProfile LeoClean() => new()
{
    ToTarget = new DirectionProfile { Delay = leoLight, RateBitsPerSecond = Rate },
    FromTarget = new DirectionProfile { Delay = leoLight, RateBitsPerSecond = 2_000_000 },
};

Console.WriteLine("| run | link | payload | to last byte at the receiver (s) | to verified receipt (s) | goodput ÷ link rate | datagrams sent / repaired / tail copies / checkpoints resent | return ÷ forward bytes | outcome |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
var summary = new List<string>();

async Task<(double Delivered, double Goodput, double ReturnRatio)> RunAsync(string name, string linkName, LinkProfile profile, TimeSpan light, int blobs, int blobBytes)
{
    await using var gateways = await BenchGateways.StartAsync(profile);
    var offered = await gateways.SubmitAsync(blobs, blobBytes, seed: name.Length);
    var start = Stopwatch.GetTimestamp();
    var result = await gateways.Sender.EnqueueAsync(offered, gateways.Contact(Rate, light));
    var payload = (long)blobs * blobBytes;
    var delivered = gateways.BlockCompletedAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(start, gateways.BlockCompletedAt).TotalSeconds;
    var receipted = Stopwatch.GetElapsedTime(start).TotalSeconds;
    var goodput = payload * 8 / delivered / Rate;
    var forward = gateways.Link.ToTarget.BytesIn;
    var back = gateways.Link.FromTarget.BytesIn;
    var returnRatio = (double)back / forward;
    Console.WriteLine($"| {name} | {linkName} | {blobs} × {blobBytes / (double)Mb:0.#} MB | {delivered:0.000} | {receipted:0.000} | {goodput:0.000} | {result.DatagramsSent} / {result.Repairs} / {result.TailCopies} / {result.CheckpointRetries} | {returnRatio:0.0000} ({back} / {forward}) | {result.Count(BulkBlobOutcome.Transferred)} of {blobs} transferred{(result.Cancelled == BulkCancelReason.None ? "" : $", cancelled: {result.Cancelled}")} |");
    return (delivered, goodput, returnRatio);
}

// Warm-up, not reported: the first session and the first HTTP fetch of the process pay the JIT (a few hundred ms on a
// loaded machine), which would otherwise fall on the first measured row of each kind.
await using (var warm = await BenchGateways.StartAsync(new LinkProfile { ToTarget = new DirectionProfile { RateBitsPerSecond = Rate }, FromTarget = new DirectionProfile { RateBitsPerSecond = Rate } }))
{
    await warm.Sender.EnqueueAsync(await warm.SubmitAsync(2, Mb, seed: 7), warm.Contact(Rate, TimeSpan.FromMilliseconds(1)));
}

await HttpBaseline.FetchAsync(new LinkProfile(), Mb, httpTimeout);

var one = await RunAsync("one blob", "GEO", Geo(), geoLight, 1, oneMb * Mb);
summary.Add($"#one_seconds {one.Delivered:0.000}");
summary.Add($"#one_share {one.Goodput:0.000}");

var steady = await RunAsync("steady", "GEO", Geo(), geoLight, steadyMb / 10, 10 * Mb);
summary.Add($"#steady_goodput {steady.Goodput:0.000}");
summary.Add($"#return_ratio {steady.ReturnRatio:0.0000}");

var http = await HttpBaseline.FetchAsync(LinkPresets.Geo(), oneMb * Mb, httpTimeout);
var httpText = http is { } seconds ? $"{seconds:0.000}" : $"not done in {httpTimeout.TotalSeconds:0} s";
var httpShare = http is { } s2 ? $"{oneMb * Mb * 8.0 / s2 / Rate:0.000}" : "—";
Console.WriteLine($"| HTTP fetch (baseline) | GEO, TcpLink | 1 × {oneMb} MB | {httpText} | — | {httpShare} | — | — | Tern's HTTP/1.1 door, one GET |");
summary.Add($"#http_seconds {(http is { } s3 ? s3.ToString("0.000", CultureInfo.InvariantCulture) : "none")}");

var leo = await RunAsync("LEO", "LEO (GE loss, 50 ms blackout every 15 s)", Leo(), leoLight, leoMb / 10, 10 * Mb);
var clean = await RunAsync("LEO loss-free", "LEO delay and rates, no loss or blackout", LeoClean(), leoLight, leoMb / 10, 10 * Mb);
summary.Add($"#leo_goodput {leo.Goodput:0.000}");
summary.Add($"#leo_clean_goodput {clean.Goodput:0.000}");
summary.Add($"#leo_ratio {leo.Goodput / clean.Goodput:0.000}");
Console.WriteLine();
foreach (var line in summary)
{
    Console.WriteLine(line);
}
