using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>The result of one pull.</summary>
/// <param name="Capability">The delivery pulled.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Source">The source that delivered the blob (or failed last), if any.</param>
/// <param name="Attempts">Fetch attempts made, resumptions included.</param>
public readonly record struct PullResult(FetchCapability Capability, PullOutcome Outcome, string? Source, int Attempts);
