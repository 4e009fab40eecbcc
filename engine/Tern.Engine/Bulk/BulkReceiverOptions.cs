namespace Tern.Engine.Bulk;

/// <summary>The receiving gateway's bulk limits (docs/PROTOCOL.md §17.5; section <c>Tern:Gateway:Bulk:Receiver</c>). Validated at start.</summary>
public sealed class BulkReceiverOptions
{
    /// <summary>Sending gateways whose sessions are taken; <c>*</c> takes any with a verifiable descriptor. Defaults to none.</summary>
    public IList<string> Senders { get; } = [];

    /// <summary>
    /// Sessions held at once, from all peers; a data datagram of one more is dropped (counted), after the longest-silent
    /// session without a verified manifest has been given up. A peer behind a light time L with windows every P keeps about
    /// (window + 3 L + receipt wait) / P + 1 sessions open here (each waits a round trip for its answers and is held a light
    /// time past its deadline): 33 for Mars (10 minutes, 30 s every minute), so the default leaves room for several such
    /// peers. A session costs an open block file, its range list and one datagram buffer. Defaults to 256.
    /// </summary>
    public int MaxSessions { get; set; } = 256;

    /// <summary>Largest block (manifest and blobs) of one session; a larger one is refused. Defaults to 4 GiB.</summary>
    public long MaxBlockBytes { get; set; } = 4L << 30;

    /// <summary>
    /// How long a session whose manifest has not arrived whole may stay silent before it is dropped (after that, the
    /// manifest's deadline governs). Defaults to 60 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The furthest deadline a manifest may name, from now; a session asking for more is refused, so a signed manifest
    /// cannot pin the receiver's state for long. Defaults to 1 day.
    /// </summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Largest report datagram. Defaults to 1232 bytes (a 1280-byte IPv6 path).</summary>
    public int MaxDatagramBytes { get; set; } = 1232;

    /// <summary>Report datagrams sent for one checkpoint at most (each lists up to 75 holes at 1232 bytes). Defaults to 8.</summary>
    public int MaxReportsPerCheckpoint { get; set; } = 8;

    /// <summary>Throws for a value out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1, nameof(MaxSessions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlockBytes, 1, nameof(MaxBlockBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramBytes, BulkDatagram.ReportHeaderSize + BulkDatagram.RangeSize, nameof(MaxDatagramBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramBytes, BulkDatagram.HeaderSize + BulkReceipt.MaxSize, nameof(MaxDatagramBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReportsPerCheckpoint, 1, nameof(MaxReportsPerCheckpoint));
    }
}
