namespace Tern.Economics;

/// <summary>
/// Where one slow legitimate message spent its time: sent <paramref name="At"/> seconds into its phase, stored and listed
/// after <paramref name="Ms"/>; alice's submit took <paramref name="SubmitMs"/>; b.example filed its reference
/// <paramref name="ToFiledMs"/> after the submit's start (NaN when no poll saw it pending: it was pulled at once) and began
/// to commit it (its pull done) <paramref name="ToCommitMs"/> after it (both clocks are this machine's). The rest is the
/// commit and bob's 5 ms polls.
/// </summary>
internal sealed record LegitSplit(double At, double Ms, double SubmitMs, double ToFiledMs, double ToCommitMs);
