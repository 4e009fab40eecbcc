namespace Tern.Admin.Wire;

/// <summary>The answer of the health routes.</summary>
/// <param name="Status">"live", "ready" or "not-ready".</param>
/// <param name="Reasons">Why the node is not ready (empty when it is).</param>
public sealed record HealthReport(string Status, IReadOnlyList<string> Reasons);
