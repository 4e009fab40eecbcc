namespace Tern.Engine.Bulk;

/// <summary>
/// The bound every bulk session ends within, delivered or cancelled (docs/PROTOCOL.md §17.6), and the round a checkpoint
/// waits for its answer. Both derive from the contact's light time and rate and the sender's retry limit.
/// </summary>
public static class BulkBound
{
    /// <summary>The wait for a checkpoint's answer: the round trip (twice the light time) plus the report slack.</summary>
    public static TimeSpan Round(BulkContact contact, BulkSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(options);
        return (2 * contact.OneWayLightTime) + options.ReportSlack;
    }

    /// <summary>The time the contact's rate takes to carry <paramref name="blockBytes"/> in datagrams of <see cref="BulkSenderOptions.MaxDatagramBytes"/>, headers included.</summary>
    public static TimeSpan FirstPass(long blockBytes, BulkContact contact, BulkSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(options);
        var payload = options.MaxDatagramBytes - BulkDatagram.DataHeaderSize;
        var datagrams = (blockBytes + payload - 1) / payload;
        var wireBytes = blockBytes + (datagrams * BulkDatagram.DataHeaderSize);
        return TimeSpan.FromSeconds(wireBytes * 8.0 / contact.RateBitsPerSecond);
    }

    /// <summary>
    /// The session's bound: first pass × (1 + repair allowance) + (retry limit + 1) × round + receipt wait. A session still
    /// running when it passes is cancelled; a link that goes silent cancels it sooner, after retry limit + 1 unanswered
    /// rounds (each with the receipt wait once the block is in).
    /// </summary>
    public static TimeSpan Session(long blockBytes, BulkContact contact, BulkSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (FirstPass(blockBytes, contact, options) * (1 + options.RepairAllowance))
            + ((options.RetryLimit + 1) * Round(contact, options))
            + options.ReceiptWait;
    }
}
