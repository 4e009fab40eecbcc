namespace Tern.Engine.Custody;

/// <summary>What custody transfer did on this node, as a gateway and as a sender; read racily by metrics and tests.</summary>
public sealed class CustodyCounters
{
    private long _offers;
    private long _accepted;
    private long _declined;
    private long _fetchFailed;
    private long _expired;
    private long _transferred;
    private long _receiptsRefused;
    private long _declinedByGateway;
    private long _offersSent;

    /// <summary>Offers a gateway answered (every answer, repeats included).</summary>
    public long Offers => Volatile.Read(ref _offers);

    /// <summary>Blobs a gateway took custody of (committed and receipted; each once).</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Offers a gateway declined before fetching anything.</summary>
    public long Declined => Volatile.Read(ref _declined);

    /// <summary>Transfers a gateway gave up on after it began fetching.</summary>
    public long FetchFailed => Volatile.Read(ref _fetchFailed);

    /// <summary>Blobs held by a gateway that expired with deliveries unfetched: exactly one record each.</summary>
    public long Expired => Volatile.Read(ref _expired);

    /// <summary>Offers a sender sent (repeats included).</summary>
    public long OffersSent => Volatile.Read(ref _offersSent);

    /// <summary>Blob × recipient domain pairs a sender transferred on a verified receipt.</summary>
    public long Transferred => Volatile.Read(ref _transferred);

    /// <summary>Receipts a sender refused (§10.5): the deliveries stayed with it.</summary>
    public long ReceiptsRefused => Volatile.Read(ref _receiptsRefused);

    /// <summary>Declines a sender received.</summary>
    public long DeclinedByGateway => Volatile.Read(ref _declinedByGateway);

    internal void Offer() => Interlocked.Increment(ref _offers);

    internal void Accept() => Interlocked.Increment(ref _accepted);

    internal void Decline() => Interlocked.Increment(ref _declined);

    internal void FailFetch() => Interlocked.Increment(ref _fetchFailed);

    internal void Expire() => Interlocked.Increment(ref _expired);

    internal void OfferSent() => Interlocked.Increment(ref _offersSent);

    internal void Transfer() => Interlocked.Increment(ref _transferred);

    internal void RefuseReceipt() => Interlocked.Increment(ref _receiptsRefused);

    internal void DeclinedBy() => Interlocked.Increment(ref _declinedByGateway);
}
