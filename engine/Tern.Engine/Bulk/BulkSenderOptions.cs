namespace Tern.Engine.Bulk;

/// <summary>
/// The sending gateway's bulk knobs (docs/PROTOCOL.md §17.4, §17.6; section <c>Tern:Gateway:Bulk:Sender</c>). The
/// contact gives the rate and light time; these shape datagrams, checkpoints and the bound. Validated at start.
/// </summary>
public sealed class BulkSenderOptions
{
    /// <summary>
    /// Largest datagram, header included. Defaults to 1232 bytes: a 1280-byte IPv6 path less its 40-byte IP and 8-byte UDP
    /// headers, so no datagram is ever fragmented.
    /// </summary>
    public int MaxDatagramBytes { get; set; } = 1232;

    /// <summary>A data datagram in this many is a checkpoint during the first pass (the receiver reports holes early). Defaults to 64.</summary>
    public int CheckpointEvery { get; set; } = 64;

    /// <summary>Added to the round trip (twice the light time) before an unanswered checkpoint is sent again: queueing and processing. Defaults to 200 ms.</summary>
    public TimeSpan ReportSlack { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Checkpoints sent again in a row without an answer before the session is cancelled. Defaults to 5.</summary>
    public int RetryLimit { get; set; } = 5;

    /// <summary>What the receiver may take to commit the whole block before its receipt is due, on top of a round trip. Defaults to 10 s.</summary>
    public TimeSpan ReceiptWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After the first pass, while the link would idle waiting for the last reports, send the last one-way light time's
    /// worth of segments again, newest first (§17.4): a loss among them is then filled without a round trip. Costs forward
    /// bytes in idle time only. Defaults to true.
    /// </summary>
    public bool TailRedundancy { get; set; } = true;

    /// <summary>Share of the first pass's time the bound allows for repairs (§17.6). Defaults to 0.5.</summary>
    public double RepairAllowance { get; set; } = 0.5;

    /// <summary>The least time to expiry a blob must have left when it would arrive; less is declined. Defaults to 1 minute.</summary>
    public TimeSpan MinRemaining { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where a session stages its block while it runs (deleted after). Defaults to the system's temporary directory.</summary>
    public string? StagingDirectory { get; set; }

    /// <summary>Throws for a value out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramBytes, BulkDatagram.DataHeaderSize + 64, nameof(MaxDatagramBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramBytes, BulkDatagram.MaxSize, nameof(MaxDatagramBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointEvery, 1, nameof(CheckpointEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(RetryLimit, nameof(RetryLimit));
        ArgumentOutOfRangeException.ThrowIfNegative(RepairAllowance, nameof(RepairAllowance));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReportSlack, TimeSpan.Zero, nameof(ReportSlack));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiptWait, TimeSpan.Zero, nameof(ReceiptWait));
    }
}
