namespace Tern.Engine.Bulk;

/// <summary>What the bulk sender or receiver did; read racily by metrics and tests.</summary>
public sealed class BulkCounters
{
    private long _malformed;
    private long _unknownSession;
    private long _unexpected;
    private long _receiptsRejected;
    private long _sessionsCompleted;
    private long _sessionsCancelled;
    private long _sessionsRefused;
    private long _overLimit;
    private long _reportsSent;
    private long _foreignSource;
    private long _lateReceipts;

    /// <summary>Datagrams dropped as malformed (header or body): never an error, never an answer.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Well-formed datagrams naming no session this side holds.</summary>
    public long UnknownSession => Volatile.Read(ref _unknownSession);

    /// <summary>Well-formed datagrams of a type or content this side does not take (a report at the receiver, a block length that changed).</summary>
    public long Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Receipts that did not verify or did not match the session (the sender ignores them).</summary>
    public long ReceiptsRejected => Volatile.Read(ref _receiptsRejected);

    /// <summary>Sessions that ended with a receipt (signed at the receiver, verified at the sender).</summary>
    public long SessionsCompleted => Volatile.Read(ref _sessionsCompleted);

    /// <summary>Sessions cancelled (bound, retry limit, the peer's cancel, stopping).</summary>
    public long SessionsCancelled => Volatile.Read(ref _sessionsCancelled);

    /// <summary>Sessions the receiver refused (manifest, policy, size).</summary>
    public long SessionsRefused => Volatile.Read(ref _sessionsRefused);

    /// <summary>Data datagrams of a new session dropped because the receiver holds its maximum of sessions.</summary>
    public long OverLimit => Volatile.Read(ref _overLimit);

    /// <summary>Datagrams of a live session from another address than the session's peer (§17.2).</summary>
    public long ForeignSource => Volatile.Read(ref _foreignSource);

    /// <summary>Receipts verified after their session had ended (§17.6, a late receipt), each session's once.</summary>
    public long LateReceipts => Volatile.Read(ref _lateReceipts);

    /// <summary>Report datagrams the receiver sent.</summary>
    public long ReportsSent => Volatile.Read(ref _reportsSent);

    internal void Malform() => Interlocked.Increment(ref _malformed);

    internal void Unknown() => Interlocked.Increment(ref _unknownSession);

    internal void Unexpect() => Interlocked.Increment(ref _unexpected);

    internal void RejectReceipt() => Interlocked.Increment(ref _receiptsRejected);

    internal void Late() => Interlocked.Increment(ref _lateReceipts);

    internal void Complete() => Interlocked.Increment(ref _sessionsCompleted);

    internal void Cancel() => Interlocked.Increment(ref _sessionsCancelled);

    internal void Refuse() => Interlocked.Increment(ref _sessionsRefused);

    internal void OverLimitDrop() => Interlocked.Increment(ref _overLimit);

    internal void Foreign() => Interlocked.Increment(ref _foreignSource);

    internal void Report() => Interlocked.Increment(ref _reportsSent);
}
