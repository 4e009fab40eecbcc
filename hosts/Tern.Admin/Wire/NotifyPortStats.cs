namespace Tern.Admin.Wire;

/// <summary>One notification port's figures: where it listens, what it received and what opened there.</summary>
public sealed record NotifyPortStats(string Endpoint, long DatagramsReceived, long KernelDrops, long DatagramsAccepted, long DatagramsOpenedUnderOtherKey);
