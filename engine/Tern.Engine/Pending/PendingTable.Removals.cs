using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    // Indexed by PendingRemoval (1–4); slot 0 unused. Counted since the table opened, not checkpointed.
    private readonly long[] _removals = new long[5];

    /// <summary>
    /// Called once for each reference that leaves the table, whatever removed it (a fetch, a retraction, the expiry sweep,
    /// a pull that found it expired, the recipient's ignore), with the hash it was filed under: how the client API's
    /// event log learns <c>retracted</c> and <c>expired</c> (docs/C2S.md §15) without every caller of the table knowing
    /// about it. Runs on the remover's thread under the capability's lock, so it must be quick and never call back into
    /// the table. Null (the default) costs nothing.
    /// </summary>
    public Action<FetchCapability, RecipientHash, PendingRemoval>? Removed { get; set; }

    /// <summary>References removed for <paramref name="reason"/> since the table opened (an ignore is not an expiry).</summary>
    public long RemovedCount(PendingRemoval reason) =>
        (int)reason is >= 1 and <= 4 ? Interlocked.Read(ref _removals[(int)reason]) : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Fetched, Retracted, Expired or Ignored.");
}
