namespace Tern.Admin.Wire;

/// <summary>The pull worker's counters.</summary>
public sealed record PullStats(long Outstanding, int RetriesWaiting, long RetriesScheduled, long RetriesExhausted);
