namespace Tern.Engine.Bulk;

/// <summary>What the bulk relay did; read racily by metrics and tests.</summary>
public sealed class BulkRelayCounters
{
    private long _sessions;
    private long _transferred;
    private long _carriedAgain;
    private long _notInTime;
    private long _noAddress;
    private long _awaitingReceipt;

    /// <summary>Sessions started (at least one blob selected or offered).</summary>
    public long Sessions => Volatile.Read(ref _sessions);

    /// <summary>Blobs whose deliveries a verified receipt made Transferred (a session's or a late one), each once.</summary>
    public long Transferred => Volatile.Read(ref _transferred);

    /// <summary>Blobs handed back to wait for a later session (cancelled, declined, not accepted).</summary>
    public long CarriedAgain => Volatile.Read(ref _carriedAgain);

    /// <summary>
    /// Blobs whose session timed out after the peer reported the block whole: kept back for the session's late receipt,
    /// carried again only if it does not come in time (then counted in <see cref="CarriedAgain"/> too).
    /// </summary>
    public long AwaitingReceipt => Volatile.Read(ref _awaitingReceipt);

    /// <summary>Times a held blob was passed over because it could no longer arrive before its expiry (it expires here, once).</summary>
    public long NotInTime => Volatile.Read(ref _notInTime);

    /// <summary>Times a peer's bulk address could not be resolved when its window was open.</summary>
    public long NoAddress => Volatile.Read(ref _noAddress);

    internal void Session() => Interlocked.Increment(ref _sessions);

    internal void Transfer(int count) => Interlocked.Add(ref _transferred, count);

    internal void Again(int count) => Interlocked.Add(ref _carriedAgain, count);

    internal void Await(int count) => Interlocked.Add(ref _awaitingReceipt, count);

    internal void TooLate() => Interlocked.Increment(ref _notInTime);

    internal void Unresolved() => Interlocked.Increment(ref _noAddress);
}
