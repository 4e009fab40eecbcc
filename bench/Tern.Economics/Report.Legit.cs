namespace Tern.Economics;

/// <summary>The legitimate sender's lines of the report: what bounds its p99 and where its slowest messages waited.</summary>
internal static partial class Report
{
    /// <summary>Why the worst run's p99 is what it is: the pull slots a campaign may hold, and the step its slowest message spent most in.</summary>
    private static string LegitBound(TernResults tern, RunFigures worst, double idleP99)
    {
        var slowest = tern.Runs.FirstOrDefault(r => !r.Quiet && r.PullRate == worst.PullRate)?.LegitSlow?.FirstOrDefault();
        var step = slowest is null ? "" : string.Create(Inv, $"; its slowest message ({slowest.Ms:F0} ms) spent {Dominant(slowest)}");
        var idleSlowest = tern.IdleLegitMs.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        return string.Create(Inv, $", at {worst.PullRate:P1} pull: b.example's pull worker lets one sender domain hold at most half of its 16 pulls at once (Tern:Pull:MaxConcurrentPerSenderDomain), so the legitimate message's pull starts at once, beside at most 8 of the campaign's {worst.Funnel.Pulled} pulls of {tern.BlobBytes} bytes{step}; each step waits for the CPU and the disk syncs the campaign's filing and pulls share with it, and with the machine's other work: the idle phase's slowest message took {idleSlowest:F0} ms, its p99 {idleP99:F1}");
    }

    /// <summary>The step of a slow message that took longest, named with its share.</summary>
    private static string Dominant(LegitSplit s)
    {
        var steps = new List<(string Name, double Ms)> { ("in alice's submit", s.SubmitMs) };
        if (double.IsNaN(s.ToFiledMs))
        {
            steps.Add(("from the submit to b.example's commit (notification, filing, pull)", s.ToCommitMs - s.SubmitMs));
        }
        else
        {
            steps.Add(("on its way to b.example's pending table (notification, filing)", s.ToFiledMs - s.SubmitMs));
            steps.Add(("from its filing to b.example's commit (the pull's hand-over, journal, fetch)", s.ToCommitMs - Math.Max(s.ToFiledMs, s.SubmitMs)));
        }

        steps.Add(("in b.example's commit and bob's listing", s.Ms - s.ToCommitMs));
        var (name, ms) = steps.MaxBy(x => x.Ms);
        return string.Create(Inv, $"{ms:F0} ms {name}");
    }

    /// <summary>The three slowest of a phase's slow legitimate messages, each as the moments its steps ended (ms from the submit's start).</summary>
    private static string SlowLine(string phase, List<LegitSplit>? slow) => slow is null || slow.Count == 0
        ? $"{phase}: none"
        : $"{phase} ({slow.Count}): " + string.Join(", ", slow.Take(3).Select(s =>
            string.Create(Inv, $"at {s.At:F1} s: submitted {s.SubmitMs:F0}, filed {(double.IsNaN(s.ToFiledMs) ? "?" : s.ToFiledMs.ToString("F0", Inv))}, committing {s.ToCommitMs:F0}, listed {s.Ms:F0}")));

    /// <summary>The legitimate messages not stored within the step timeout, per phase, each "n of total".</summary>
    private static string UnstoredLine(TernResults tern)
    {
        static string Of(List<double> ms) => $"{ms.Count(double.IsInfinity)} of {ms.Count}";
        var runs = string.Join(", ", tern.Runs.Select(r => r.Quiet ? string.Create(Inv, $"{r.PullRate:P1} paused") : string.Create(Inv, $"{r.PullRate:P1} {Of(r.LegitMs)}")));
        return $"idle {Of(tern.IdleLegitMs)}; during the campaigns {runs}; in the block phase {Of(tern.BlockLegitMs)}";
    }
}
