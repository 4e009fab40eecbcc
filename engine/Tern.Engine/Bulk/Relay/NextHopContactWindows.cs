using Tern.Engine.Contacts;

namespace Tern.Engine.Bulk;

/// <summary>
/// The contact plan as a gateway with bulk next hops sees its destinations (docs/PROTOCOL.md §17.1): a destination the plan
/// does not cover but a next hop carries is reached over the contacts to that peer gateway. The custody gateway's
/// earliest-arrival check (§10.4) asks through it, so an offer for such a destination that cannot cross the peer's
/// windows before its expiry is declined before a byte is fetched. Answers for anything else are the plan's own.
/// </summary>
public sealed class NextHopContactWindows : IContactWindows
{
    private readonly IContactWindows _plan;
    private readonly BulkRelay _relay;

    /// <summary>The plan <paramref name="plan"/> seen through <paramref name="relay"/>'s next hops.</summary>
    public NextHopContactWindows(IContactWindows plan, BulkRelay relay)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(relay);
        _plan = plan;
        _relay = relay;
    }

    /// <inheritdoc/>
    public event Action? PlanChanged
    {
        add => _plan.PlanChanged += value;
        remove => _plan.PlanChanged -= value;
    }

    /// <inheritdoc/>
    public bool Covers(string peer) => _plan.Covers(Through(peer));

    /// <inheritdoc/>
    public bool TryOpenNow(string peer, out ContactWindow window) => _plan.TryOpenNow(Through(peer), out window);

    /// <inheritdoc/>
    public bool TryNextWindow(string peer, out ContactWindow window) => _plan.TryNextWindow(Through(peer), out window);

    /// <inheritdoc/>
    public DateTimeOffset? EarliestArrival(string peer, long bytes, long queuedBytes, DateTimeOffset notAfter) =>
        _plan.EarliestArrival(Through(peer), bytes, queuedBytes, notAfter);

    /// <summary>The peer gateway a destination the plan does not cover is carried to, or the destination itself.</summary>
    private string Through(string destination) =>
        !_plan.Covers(destination) && _relay.NextHopOf(destination) is { } gateway ? gateway : destination;
}
