using System.Net;
using Tern.Engine.Bulk;
using Tern.Engine.Custody;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.LinkEmulator;
using Tern.Transports.Udp;

namespace Tern.Bulk.Tests;

/// <summary>
/// Two gateways in one process, each with its own transit store, key set and bulk port on loopback: ga.example sends
/// through an emulated link (<see cref="UdpLink"/>, the sender being the link's client) to gb.example's receiver. Both
/// resolve each other's descriptor from a fixed table. Everything runs on the link's clock.
/// </summary>
public sealed class GatewayPair : IAsyncDisposable
{
    public const string SenderGateway = "ga.example";
    public const string ReceiverGateway = "gb.example";
    public const string RecipientDomain = "b.example";
    public const string SenderDomain = "a.example";

    private readonly TempDirectory _directory = new("bulk");

    private GatewayPair(LinkProfile profile, ScaledTimeProvider clock, BulkSenderOptions senderOptions, BulkReceiverOptions receiverOptions, Func<IBulkDatagramSink, IBulkDatagramSink>? wrapReceiverSink, bool impostor)
    {
        Clock = clock;
        SenderKeys = DomainKeySet.Generate(SenderGateway, clock);
        ReceiverKeys = DomainKeySet.Generate(ReceiverGateway, clock);

        // An impostor signs with a key of its own under ga.example's name; the descriptor has ga.example's real key.
        using (var published = impostor ? DomainKeySet.Generate(SenderGateway, clock) : null)
        {
            Descriptors = new StaticDescriptorResolver(Describe(published ?? SenderKeys), Describe(ReceiverKeys));
        }

        SenderSocket = new BulkUdpSocket(new IPEndPoint(IPAddress.Loopback, 0));
        ReceiverSocket = new BulkUdpSocket(new IPEndPoint(IPAddress.Loopback, 0));
        Link = new UdpLink(ReceiverSocket.LocalEndPoint, profile, clock);
        SenderOptions = senderOptions;
        ReceiverOptions = receiverOptions;
        ReceiverSink = wrapReceiverSink?.Invoke(ReceiverSocket) ?? ReceiverSocket;
    }

    public ScaledTimeProvider Clock { get; }

    public DomainKeySet SenderKeys { get; }

    public DomainKeySet ReceiverKeys { get; }

    public StaticDescriptorResolver Descriptors { get; }

    public BulkUdpSocket SenderSocket { get; }

    public BulkUdpSocket ReceiverSocket { get; }

    public IBulkDatagramSink ReceiverSink { get; }

    public UdpLink Link { get; }

    public BulkSenderOptions SenderOptions { get; }

    public BulkReceiverOptions ReceiverOptions { get; }

    public TransitStore SenderStore { get; private set; } = null!;

    public TransitStore ReceiverStore { get; private set; } = null!;

    public BulkSender Sender { get; private set; } = null!;

    public BulkReceiver Receiver { get; private set; } = null!;

    /// <summary>What the receiving gateway committed (its scheduler would notify these).</summary>
    public List<SubmissionResult> Committed { get; } = [];

    public static async Task<GatewayPair> StartAsync(LinkProfile profile, double scale = 1, Action<BulkSenderOptions>? sender = null, Action<BulkReceiverOptions>? receiver = null, Func<IBulkDatagramSink, IBulkDatagramSink>? wrapReceiverSink = null, bool impostor = false)
    {
        // More slack than the defaults' 200 ms a round: a loaded two-core machine can stall these processes for a second,
        // which must not read as a silent link (the retry limit) or a late session (the bound).
        var senderOptions = new BulkSenderOptions { ReceiptWait = TimeSpan.FromSeconds(5), ReportSlack = TimeSpan.FromMilliseconds(500), MinRemaining = TimeSpan.FromSeconds(10) };
        sender?.Invoke(senderOptions);
        var receiverOptions = new BulkReceiverOptions { IdleTimeout = TimeSpan.FromSeconds(2) };
        receiverOptions.Senders.Add(SenderGateway);
        receiver?.Invoke(receiverOptions);
        var pair = new GatewayPair(profile, new ScaledTimeProvider(scale), senderOptions, receiverOptions, wrapReceiverSink, impostor);
        await pair.OpenAsync();
        return pair;
    }

    /// <summary>The contact of the sender with gb.example through the link, at <paramref name="rate"/> and <paramref name="lightTime"/>.</summary>
    public BulkContact Contact(long rate, TimeSpan lightTime) => new(ReceiverGateway, Link.EndPoint, rate, lightTime);

    /// <summary>Submits <paramref name="count"/> blobs of <paramref name="size"/> bytes at ga.example, each for two recipients at b.example.</summary>
    public async Task<List<(BulkBlob Blob, Bytes32 Hash)>> SubmitAsync(int count, int size, TimeSpan? expiry = null, int seed = 1)
    {
        var blobs = new List<(BulkBlob, Bytes32)>();
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[size];
            new Random(seed * 1000 + i).NextBytes(bytes);
            var result = await SenderStore.SubmitAsync(
                new SubmissionRequest
                {
                    Account = SenderDomain,
                    Recipients = [new TransitRecipient(RecipientDomain, RecipientHash.NewRandom()), new TransitRecipient(RecipientDomain, RecipientHash.NewRandom())],
                    TransitExpiry = Clock.GetUtcNow() + (expiry ?? TimeSpan.FromHours(1)),
                    MimeHint = "message/tern",
                },
                new MemoryStream(bytes));
            blobs.Add((new BulkBlob(result.MessageId, RecipientDomain), result.PayloadHash));
        }

        return blobs;
    }

    /// <summary>
    /// Checks a session's books: every blob has one outcome; each Transferred one is held at gb.example with the same
    /// payload hash and its deliveries at ga.example are Transferred; every other one is not Transferred at ga.example.
    /// </summary>
    public void AssertAccounted(BulkSessionResult result, IReadOnlyList<(BulkBlob Blob, Bytes32 Hash)> offered)
    {
        Assert.Equal(offered.Count, result.Outcomes.Count);
        Assert.Equal(offered.Count, result.Count(BulkBlobOutcome.Transferred) + result.Count(BulkBlobOutcome.Declined) + result.Count(BulkBlobOutcome.NotAccepted) + result.Count(BulkBlobOutcome.Cancelled) + result.Count(BulkBlobOutcome.Unanswered));
        for (var i = 0; i < offered.Count; i++)
        {
            var (blob, hash) = offered[i];
            var states = SenderStore.FindMessage(blob.MessageId)!.Deliveries.Select(d => d.State).ToList();
            if (result.Outcomes[i] == BulkBlobOutcome.Transferred)
            {
                var held = ReceiverStore.FindMessage(CustodyKeys.LocalId(blob.MessageId, RecipientDomain));
                Assert.NotNull(held);
                Assert.Equal(hash, held.PayloadHash);
                Assert.Equal(SenderDomain, held.Account);
                Assert.Equal(2, held.Deliveries.Count);
                Assert.All(states, s => Assert.Equal(DeliveryState.Transferred, s));
            }
            else
            {
                Assert.All(states, s => Assert.Equal(DeliveryState.Outstanding, s));
            }
        }

        // The bound is enforced by the sending thread, which notices it within a few milliseconds; half a second allows for
        // a loaded machine's scheduling, far below any bound here (several seconds).
        Assert.True(result.Elapsed <= result.Bound + TimeSpan.FromSeconds(0.5), $"the session took {result.Elapsed}, over its bound {result.Bound}");
    }

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Link.DisposeAsync();
        SenderSocket.Dispose();
        ReceiverSocket.Dispose();
        await Receiver.DisposeAsync();
        await SenderStore.DisposeAsync();
        await ReceiverStore.DisposeAsync();
        SenderKeys.Dispose();
        ReceiverKeys.Dispose();
        _directory.Dispose();
    }

    private static DomainDescriptor Describe(DomainKeySet keys) =>
        DomainDescriptor.For(keys, ["udp://127.0.0.1:7400"], ["http://127.0.0.1:1"], TimeSpan.FromDays(1));

    private static TransitStoreOptions StoreOptions(string directory) => new()
    {
        DataDirectory = directory,
        BlobPageSizeBits = 20,
        BlobMemorySizeBits = 24,
        BlobSegmentSizeBits = 26,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
        MinFreeBytes = 0,
    };

    private async Task OpenAsync()
    {
        SenderStore = await TransitStore.OpenAsync(StoreOptions(_directory.File("a")), Clock);
        ReceiverStore = await TransitStore.OpenAsync(StoreOptions(_directory.File("b")), Clock);
        Sender = new BulkSender(SenderStore, () => SenderKeys, Descriptors, SenderSocket, SenderOptions, Clock);
        Receiver = new BulkReceiver(ReceiverStore, () => ReceiverKeys, Descriptors, ReceiverSink, ReceiverOptions, _directory.File("b"), Clock) { Committed = r => { lock (Committed) { Committed.Add(r); } } };
        SenderSocket.Start(Sender.Receive);
        ReceiverSocket.Start(Receiver.Receive);
    }
}
