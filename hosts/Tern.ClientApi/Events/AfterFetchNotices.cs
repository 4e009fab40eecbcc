using Tern.Engine.Protocol;

namespace Tern.ClientApi.Events;

/// <summary>
/// The capabilities whose <c>after_fetch</c> retraction notice already made an event: a sender retransmits a notice up to
/// 9 times (S2S §11) and the pending table keeps no state for it, so the first is told and the rest are not. Bounded:
/// when full it starts over, at worst telling a notice twice (clients apply <c>retracted</c> idempotently).
/// </summary>
internal sealed class AfterFetchNotices
{
    /// <summary>Capabilities remembered before starting over.</summary>
    public const int Capacity = 16_384;

    private readonly HashSet<FetchCapability> _seen = [];
    private readonly Lock _lock = new();

    /// <summary>True the first time <paramref name="capability"/> is seen (since the set last started over).</summary>
    public bool FirstTime(FetchCapability capability)
    {
        lock (_lock)
        {
            if (_seen.Count >= Capacity && !_seen.Contains(capability))
            {
                _seen.Clear();
            }

            return _seen.Add(capability);
        }
    }
}
