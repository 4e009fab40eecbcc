using Tern.Engine.Protocol.Custody;

namespace Tern.Engine.Custody;

/// <summary>What custody transfer did on this node, as a gateway and as a sender; read racily by metrics and tests.</summary>
public sealed class CustodyCounters
{
    // Indexed by the reason's code (docs/PROTOCOL.md §10.3: 1–7); slot 0 unused.
    private readonly long[] _declinedFor = new long[8];
    private readonly long[] _declinedByGatewayFor = new long[8];
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

    /// <summary>Offers a gateway declined for <paramref name="reason"/> (<c>fetch_failed</c>: <see cref="FetchFailed"/>).</summary>
    public long DeclinedFor(CustodyDeclineReason reason) => Volatile.Read(ref _declinedFor[Slot(reason)]);

    /// <summary>Declines a sender received for <paramref name="reason"/>.</summary>
    public long DeclinedByGatewayFor(CustodyDeclineReason reason) => Volatile.Read(ref _declinedByGatewayFor[Slot(reason)]);

    internal void Offer() => Interlocked.Increment(ref _offers);

    internal void Accept() => Interlocked.Increment(ref _accepted);

    internal void Decline(CustodyDeclineReason reason)
    {
        Interlocked.Increment(ref _declined);
        Interlocked.Increment(ref _declinedFor[Slot(reason)]);
    }

    internal void FailFetch()
    {
        Interlocked.Increment(ref _fetchFailed);
        Interlocked.Increment(ref _declinedFor[(int)CustodyDeclineReason.FetchFailed]);
    }

    internal void Expire() => Interlocked.Increment(ref _expired);

    internal void OfferSent() => Interlocked.Increment(ref _offersSent);

    internal void Transfer() => Interlocked.Increment(ref _transferred);

    internal void RefuseReceipt() => Interlocked.Increment(ref _receiptsRefused);

    internal void DeclinedBy(CustodyDeclineReason reason)
    {
        Interlocked.Increment(ref _declinedByGateway);
        Interlocked.Increment(ref _declinedByGatewayFor[Slot(reason)]);
    }

    private static int Slot(CustodyDeclineReason reason) => (byte)reason is >= 1 and <= 7 ? (byte)reason : 0;
}
