namespace Tern.Economics;

/// <summary>One pull rate's campaign through the Tern nodes: the snapshots around it and what it counted.
/// <c>Quiet</c>: run with the legitimate traffic paused (the campaigns nobody pulls), so its background is the quiet phase's;
/// <c>LegitSlow</c>: where the slow legitimate messages of its window spent their time.</summary>
internal sealed record TernRunResult(double PullRate, int Recipients, int Pulling, NodeSnapshot Before, NodeSnapshot After, List<double> LegitMs, bool Quiet = false, List<LegitSplit>? LegitSlow = null);

/// <summary>The block phase: the samples of spam.example's pending references around the block and the snapshots of the blocked half.</summary>
internal sealed record BlockResult(int Recipients, double BlockedAt, List<(double Seconds, long Pending)> Samples, NodeSnapshot Before, NodeSnapshot After);

/// <summary>
/// Everything the Tern side of the campaign measured; <c>Small</c> is the campaign nobody pulls at the slope's small size
/// (null when not run), <c>State</c> b.example's pending table on disk after its closing checkpoint.
/// </summary>
internal sealed record TernResults(int BlobBytes, double TransitHours, NodeSnapshot IdleBefore, NodeSnapshot IdleAfter, List<double> IdleLegitMs,
    NodeSnapshot? QuietBefore, NodeSnapshot? QuietAfter, List<TernRunResult> Runs, TernRunResult? Small, BlockResult Block,
    List<double> BlockLegitMs, List<string> LegitStalls, PendingState? State = null, List<LegitSplit>? IdleLegitSlow = null);
