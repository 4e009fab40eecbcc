using System.Collections.Concurrent;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>One peer gateway of the relay: the blobs held for it, those in a session now, its loop and what wakes it.</summary>
internal sealed class BulkRelayPeer(string gateway)
{
    public string Gateway { get; } = gateway;

    /// <summary>Blob and destination pairs held for this peer (the scheduler does not notify them).</summary>
    public ConcurrentDictionary<(MessageId, string), byte> Held { get; } = new();

    /// <summary>Pairs in a session now: not offered to another until it ends.</summary>
    public ConcurrentDictionary<(MessageId, string), byte> InFlight { get; } = new();

    /// <summary>
    /// Pairs whose session timed out after the peer reported the block whole (<see cref="BulkBlobOutcome.Unanswered"/>):
    /// not offered again before the instant (Unix ms) until which the session's late receipt is taken.
    /// </summary>
    public ConcurrentDictionary<(MessageId, string), long> AwaitingReceipt { get; } = new();

    /// <summary>Set when a blob is held anew.</summary>
    public AsyncSignal Signal { get; } = new();

    /// <summary>Set when a new plan is in force: each peer has its own, so one loop's wait never swallows another's wake-up.</summary>
    public AsyncSignal PlanChanged { get; } = new();

    /// <summary>Sessions not yet ended (a Mars window's session outlives the window by a round trip).</summary>
    public ConcurrentDictionary<Task, byte> Sessions { get; } = new();

    public Task Loop { get; set; } = Task.CompletedTask;
}
