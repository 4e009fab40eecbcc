namespace Tern.Load.Open;

/// <summary>A counter read once an interval beside the streams (a node's records filed, say); the timeline shows its rate.</summary>
/// <param name="Name">The column's name (<c>b_filed</c> becomes <c>b_filed_per_s</c>).</param>
/// <param name="Read">Reads the counter's total so far.</param>
internal sealed record TimelineProbe(string Name, Func<CancellationToken, Task<long>> Read);
