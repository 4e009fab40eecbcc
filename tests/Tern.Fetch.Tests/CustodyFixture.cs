using Tern.Engine.Custody;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// Both sides of a custody transfer on loopback (docs/PROTOCOL.md §10): the sender a.example (a transit store behind real
/// fetch doors, <see cref="FetchFixture"/>) and the gateway g.example (its own transit store and a <see cref="CustodyGateway"/>
/// fetching from a.example's framed door), each with a key set and a descriptor the other resolves.
/// </summary>
public sealed class CustodyFixture : IAsyncDisposable
{
    public const string GatewayDomain = "g.example";
    public const string RecipientDomain = "b.example";

    private readonly TempDirectory _directory;
    private readonly HttpClient _http;
    private readonly FetchSourceFactory _sources;

    private CustodyFixture(FetchFixture sender, DomainKeySet senderKeys, DomainKeySet gatewayKeys, TempDirectory directory, TransitStore gatewayStore, HttpClient http, FetchSourceFactory sources, CountingSources counting, CustodyGatewayOptions options, TimeProvider? time)
    {
        Sender = sender;
        SenderKeys = senderKeys;
        GatewayKeys = gatewayKeys;
        _directory = directory;
        GatewayStore = gatewayStore;
        _http = http;
        _sources = sources;
        Sources = counting;
        Descriptors = new StaticDescriptorResolver(Describe(senderKeys, $"tern+tcp://127.0.0.1:{sender.Framed.Port}"), Describe(gatewayKeys, "http://127.0.0.1:1"));
        Gateway = new CustodyGateway(gatewayStore, () => GatewayKeys, Descriptors, counting, options, directory.Path, time) { Committed = Committed.Add };
    }

    public FetchFixture Sender { get; }

    public DomainKeySet SenderKeys { get; }

    public DomainKeySet GatewayKeys { get; }

    public TransitStore GatewayStore { get; }

    public CustodyGateway Gateway { get; }

    public CountingSources Sources { get; }

    public StaticDescriptorResolver Descriptors { get; }

    public string GatewayDirectory => _directory.Path;

    /// <summary>What the gateway handed to its scheduler.</summary>
    public List<SubmissionResult> Committed { get; } = [];

    public static async Task<CustodyFixture> StartAsync(Action<CustodyGatewayOptions>? configure = null, TimeProvider? gatewayTime = null)
    {
        var sender = await FetchFixture.StartAsync();
        var directory = new TempDirectory("gateway");
        var store = await TransitStore.OpenAsync(FetchFixture.StoreOptions(directory.Path), gatewayTime);
        var options = new CustodyGatewayOptions { HighWaterFreeBytes = 0, RetryDelay = TimeSpan.FromMilliseconds(10), OfferWait = TimeSpan.FromSeconds(20) };
        options.Senders.Add(PullFixture.SenderDomain);
        configure?.Invoke(options);
        var http = sender.HttpClient();
        var sources = new FetchSourceFactory(http, allowPlainTextOnLoopback: true);
        return new CustodyFixture(sender, DomainKeySet.Generate(PullFixture.SenderDomain), DomainKeySet.Generate(GatewayDomain), directory, store, http, sources, new CountingSources(sources), options, gatewayTime);
    }

    public static DomainDescriptor Describe(DomainKeySet keys, params string[] fetch) =>
        DomainDescriptor.For(keys, ["udp://127.0.0.1:7400"], fetch, TimeSpan.FromDays(1));

    /// <summary>Submits <paramref name="content"/> at a.example for <paramref name="recipients"/> hashes at b.example.</summary>
    public async Task<SubmissionResult> SubmitAsync(byte[] content, int recipients = 2, DateTimeOffset? expiry = null)
    {
        var list = new TransitRecipient[recipients];
        for (var i = 0; i < recipients; i++)
        {
            list[i] = new TransitRecipient(RecipientDomain, RecipientHash.NewRandom());
        }

        return await Sender.Store.SubmitAsync(
            new SubmissionRequest { Account = "alice", Recipients = list, TransitExpiry = expiry ?? DateTimeOffset.UtcNow.AddDays(1), MimeHint = "message/tern" },
            new MemoryStream(content, writable: false));
    }

    /// <summary>The offer a.example makes of <paramref name="submitted"/> (a transfer capability opened for it), signed by <paramref name="signer"/>.</summary>
    public (CustodyOffer Offer, byte[] Bytes) Offer(SubmissionResult submitted, Func<CustodyOffer, CustodyOffer>? change = null, DomainKeySet? signer = null)
    {
        var message = Sender.Store.GetMessage(submitted.MessageId, "alice")!;
        var transfer = Sender.Store.OpenTransfer(submitted.MessageId, RecipientDomain) ?? throw new InvalidOperationException("nothing to offer");
        var keys = signer ?? SenderKeys;
        var offer = new CustodyOffer
        {
            MessageId = submitted.MessageId,
            TransferCapability = transfer,
            PayloadHash = submitted.PayloadHash,
            PayloadSize = submitted.Size,
            RequestedExpiryMs = submitted.TransitExpiry.ToUnixTimeMilliseconds(),
            OfferedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            SenderSigningKey = new Bytes32(keys.SigningPublicKey),
            SenderDomain = keys.Domain,
            RecipientDomain = RecipientDomain,
            GatewayDomain = GatewayDomain,
            MimeHint = message.MimeHint ?? "",
            RecipientHashes = [.. message.Deliveries.Select(d => d.RecipientHash)],
        };
        offer = change?.Invoke(offer) ?? offer;
        var bytes = new byte[offer.EncodedLength];
        offer.Sign(keys, bytes);
        return (offer, bytes);
    }

    /// <summary>A copy of <paramref name="o"/> with another gateway domain or payload hash.</summary>
    public static CustodyOffer With(CustodyOffer o, string? gatewayDomain = null, Bytes32? payloadHash = null) => new()
    {
        MessageId = o.MessageId,
        TransferCapability = o.TransferCapability,
        PayloadHash = payloadHash ?? o.PayloadHash,
        PayloadSize = o.PayloadSize,
        RequestedExpiryMs = o.RequestedExpiryMs,
        OfferedAtMs = o.OfferedAtMs,
        SenderSigningKey = o.SenderSigningKey,
        SenderDomain = o.SenderDomain,
        RecipientDomain = o.RecipientDomain,
        GatewayDomain = gatewayDomain ?? o.GatewayDomain,
        MimeHint = o.MimeHint,
        RecipientHashes = o.RecipientHashes,
    };

    /// <summary>The blob the gateway committed last, as its store holds it.</summary>
    public MessageInfo HeldLast() => GatewayStore.GetMessage(Committed[^1].MessageId, PullFixture.SenderDomain)!;

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await GatewayStore.DisposeAsync();
        await _sources.DisposeAsync();
        _http.Dispose();
        SenderKeys.Dispose();
        GatewayKeys.Dispose();
        await Sender.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Counts the sources the gateway asks for: zero means it fetched nothing.</summary>
    public sealed class CountingSources(IFetchSourceFactory inner) : IFetchSourceFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public IFetchSource? Create(string uri)
        {
            Interlocked.Increment(ref _created);
            return inner.Create(uri);
        }
    }
}
