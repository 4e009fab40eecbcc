namespace Tern.Admin.Wire;

/// <summary>The pull worker's counters; <c>Deferred</c>: pulls not queued because the queue or a sender domain's share of it was full.</summary>
public sealed record PullStats(long Outstanding, int RetriesWaiting, long RetriesScheduled, long RetriesExhausted, long Deferred);
