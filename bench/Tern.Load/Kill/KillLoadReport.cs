using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>
/// perf-reports/killload.md from one run: the command, date, commit, machine, load and settings; the guarantees and
/// whether each held; every kill point with what was in flight and how the node came back; recovery time against the
/// store's size beside the baseline (the same process starting on an empty data directory, in the same run); the streams.
/// </summary>
internal static class KillLoadReport
{
    public static void Write(string path, KillLoadResult result, IReadOnlyDictionary<string, string> settings, DateTimeOffset started, string loadBefore)
    {
        var o = result.Options;
        var text = new StringBuilder();
        var points = result.Points;
        var killsA = points.Count(p => p.Victim == KillNodes.Names[0]);
        text.AppendLine("# Kill under load").AppendLine();
        text.AppendLine(Invariant($"- command: `{Environment.GetEnvironmentVariable("TERN_LOAD_COMMAND") ?? "bench/run-killload.sh"}` (after `make build`); settings used: `{string.Join(" ", settings.Select(kv => $"{kv.Key}={kv.Value}"))}`"));
        text.AppendLine(Invariant($"- date: {started:yyyy-MM-ddTHH:mm}Z, {(DateTimeOffset.UtcNow - started).TotalSeconds:F0} s"));
        text.AppendLine(Invariant($"- commit: {Environment.GetEnvironmentVariable("TERN_LOAD_COMMIT") ?? "unknown"}"));
        text.AppendLine(Invariant($"- machine: {Environment.ProcessorCount} cores, {CpuModel()}, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}"));
        text.AppendLine(Invariant($"- load average before / after: {loadBefore} / {LoadAverage()} (a shared machine: other work runs beside)"));
        text.AppendLine("- timeline (1 s intervals, CSV): `perf-reports/killload.timeline.csv`").AppendLine();

        text.AppendLine(Invariant($"**What runs.** Two `tern run` processes on loopback, a.example and b.example, every listener on a port fixed before the first start. Open-model streams (Poisson arrivals, seed {o.Seed}) for {o.LoadDuration.TotalSeconds:F0} s: alice submits on a.example's client API at {o.SubmitRate:F0}/s, {o.Size} bytes (every {o.LargeEvery}th {o.LargeSize} bytes, three chunks), alternately to bob's and carol's hashes at b.example; b.example pulls bob's at once (his preference) and carol's when she asks; carol polls her references from her cursor at {o.ClientRate:F0}/s and asks for {o.PullFraction:P0} of the new ones; bob lists his stored messages from his cursor at {o.ClientRate:F0}/s and reads each back, checked byte for byte. Meanwhile {points.Count} SIGKILLs of {o.Kills} planned (a kill that slow restarts would push past the load's end is not made; {killsA} of a.example, {points.Count - killsA} of b.example, alternating from a seeded first), one in each {o.Period.TotalSeconds:F0} s period at a seeded moment 15–60 % into it, each node restarted after a seeded 0–{o.MaxDownTime.TotalSeconds:F0} s down on its data directory. Scaled to the run: the senders' longest retransmission interval {o.MaxRetransmitInterval.TotalSeconds:F0} s (the protocol's 3600 s), failed pulls retried after 1 s up to {o.MaxRetransmitInterval.TotalSeconds:F0} s, b.example's pending table checkpointed every {o.PendingCheckpointInterval.TotalSeconds:F0} s (5 min by default)."))
            .AppendLine();

        text.AppendLine("## Guarantees").AppendLine();
        var violations = result.Violations;
        text.AppendLine("| guarantee | checked | held |");
        text.AppendLine("|---|---|---|");
        text.AppendLine(Invariant($"| zero acknowledged submissions lost | after each restart of a.example (every 201 before the kill: listed at a.example or stored at b.example) and at the end ({result.Acknowledged} acknowledged, {result.Delivered} stored at b.example) | {Held(violations, ViolationKind.SubmissionLost)} |"));
        text.AppendLine(Invariant($"| every acknowledged delivery fetched or still notified | at the end: {result.FetchedAtSender} fetched at a.example; {result.RetransmittingAfterLostMark} stored at b.example while a.example, whose fetched mark a kill cut before its commit, still notifies (docs/ARCHITECTURE.md §3.2); all stored within {result.DrainSeconds:F1} s of the load's end (bound {o.DrainBound.TotalSeconds:F0} s) | {Held(violations, ViolationKind.DeliveryStuck)} |"));
        text.AppendLine(Invariant($"| no pending reference lost | after each restart of b.example: every reference carol had been shown is pending for her or stored within {o.RefileBound.TotalSeconds:F0} s ({result.CarolSeen} shown in all) | {Held(violations, ViolationKind.ReferenceLost)} |"));
        text.AppendLine(Invariant($"| stored messages intact | every stored message read back and compared byte for byte with the body its sequence names and the payload hash acknowledged ({result.Verified} read); none read before a kill gone after it; every one listed after the client's cursor | {Held(violations, ViolationKind.StoredMessage)} |"));
        text.AppendLine();
        text.AppendLine(violations.Count == 0 ? "Violations: none." : "Violations:");
        foreach (var (kind, what) in violations.Take(50))
        {
            text.Append("- ").Append(kind.ToString()).Append(": ").AppendLine(what);
        }

        if (violations.Count > 50)
        {
            text.AppendLine(Invariant($"- … and {violations.Count - 50} more"));
        }

        text.AppendLine();
        text.AppendLine(Invariant($"Also stored: {result.StoredUnacknowledged} messages whose submit's answer a kill cut (stored, never acknowledged: allowed). carol's pull requests by answer: {string.Join(", ", result.PullAnswers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}.")).AppendLine();

        text.AppendLine("## Kill points").AppendLine();
        text.AppendLine("In flight at the kill: the clients' operations sent and not answered, and the nodes' own work from their admin API just before the signal (a.example: transit blobs and deliveries held; b.example: pending references, pulls queued or running, failed pulls waiting). Recovery: process start until ready (`state/ports.json` written once every store is recovered and every stage started), for the data directory's size on disk at the restart and what the store held once ready. References missing: those carol had been shown that were neither pending nor stored at the first look after the restart (inserts after the pending table's last checkpoint, lost by design and filed again by the sender's next retransmission, docs/ARCHITECTURE.md §3.5), and how long until every one was back.").AppendLine();
        text.AppendLine("| # | at s | killed | submits in flight | carol / bob in flight | a: blobs / deliveries | b: pending refs / pulls / retries | acknowledged before | down s | data dir MB | recovery s | after: transit MB / blobs, or pending refs | refs missing / back in s |");
        text.AppendLine("|---:|---:|---|---:|---|---|---|---:|---:|---:|---:|---|---|");
        foreach (var p in points)
        {
            var after = p.After is not { } s ? "—" : p.Victim == KillNodes.Names[0] ? Invariant($"{s.TransitLiveBytes / 1e6:F1} / {s.Blobs}") : Invariant($"{s.PendingReferences}");
            var refs = p.Victim == KillNodes.Names[0] ? "—" : Invariant($"{p.ReferencesMissingAtRestart} / {(p.RefiledSeconds < 0 ? "not within bound" : p.RefiledSeconds.ToString("F1", CultureInfo.InvariantCulture))}");
            text.AppendLine(Invariant($"| {p.Index} | {p.AtSeconds:F1} | {p.Victim} | {p.SubmitsInFlight} | {p.CarolInFlight} / {p.BobInFlight} | {(p.A is { } a ? $"{a.Blobs} / {a.Deliveries}" : "—")} | {(p.B is { } b ? $"{b.PendingReferences} / {b.PullsOutstanding} / {b.PullRetriesWaiting}" : "—")} | {p.AcknowledgedBefore} | {p.DownSeconds:F2} | {p.DiskBytes / 1e6:F1} | {p.RecoverySeconds:F2} | {after} | {refs} |"));
        }

        text.AppendLine().AppendLine("## Recovery time against the store's size").AppendLine();
        text.AppendLine("Baseline: each node's first start in the same run, on its empty data directory (the same process and stages, nothing to recover). The fit is least squares over that node's kill points (recovery s = intercept + slope × data directory GB).").AppendLine();
        text.AppendLine("| node | restarts | data dir MB (min–max) | recovery s: median | max | first start (empty) s | ratio (first start ÷ median, higher is better) | fit: intercept s, slope s/GB |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---|");
        for (var i = 0; i < KillNodes.Names.Length; i++)
        {
            var mine = points.Where(p => p.Victim == KillNodes.Names[i]).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var median = Median(mine.Select(p => p.RecoverySeconds));
            var (intercept, slope) = Fit(mine.Select(p => (p.DiskBytes / 1e9, p.RecoverySeconds)).ToList());
            text.AppendLine(Invariant($"| {KillNodes.Names[i]} | {mine.Count} | {mine.Min(p => p.DiskBytes) / 1e6:F1}–{mine.Max(p => p.DiskBytes) / 1e6:F1} | {median:F2} | {mine.Max(p => p.RecoverySeconds):F2} | {result.FirstStartSeconds[i]:F2} | {result.FirstStartSeconds[i] / median:F2} | {intercept:F2}, {slope:F2} |"));
        }

        text.AppendLine().AppendLine("## Streams").AppendLine();
        text.AppendLine("| stream | intended /s | achieved /s | scheduled | ok | errors | dropped | p50 ms | p99 ms | max ms | errors by class |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in result.Load.Streams)
        {
            var c = s.Counters;
            text.AppendLine(Invariant($"| {s.Name} | {s.Options.Rate:F0} | {s.AchievedRate:F1} | {c.Scheduled} | {c.Ok} | {c.Errors} | {c.Dropped} | {Ms(s, 50)} | {Ms(s, 99)} | {Ms(s, 100)} | {string.Join(", ", c.ErrorClasses().Select(e => $"{e.Key} {e.Value}"))} |"));
        }

        text.AppendLine().AppendLine(Invariant($"Latencies from each send's due time (coordinated omission corrected), successes only; the errors are the operations a kill cut or that found a node down. Generator CPU {result.Load.GeneratorCpuPercent:F1} % of one core.")).AppendLine();
        File.WriteAllText(path, text.ToString());
    }

    private static string Held(IReadOnlyList<(ViolationKind Kind, string What)> violations, ViolationKind kind) =>
        violations.Any(v => v.Kind == kind) ? "**no**" : "yes";

    private static string Ms(StreamResult stream, double percentile)
    {
        var value = StreamResult.Milliseconds(stream.Corrected, percentile);
        return double.IsNaN(value) ? "—" : value.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (double Intercept, double Slope) Fit(IReadOnlyList<(double X, double Y)> points)
    {
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var spread = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        var slope = spread == 0 ? 0 : points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / spread;
        return (meanY - (slope * meanX), slope);
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
}
