using System.Collections.Concurrent;
using System.Net;
using Tern.Engine.Bulk;
using Tern.Engine.Contacts;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.LinkEmulator;
using Tern.Transports.Udp;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// Two gateways as a node composes them for a bulk next hop, in one process on a scaled clock: ga.example holds blobs for
/// b.example, which its relay routes through gb.example over the contact plan's contact ga → gb; gb.example's receiver
/// commits what arrives. The link emulator carries the datagrams (its forward windows a second wider than the plan's, so a
/// datagram it drops as outside a window was sent outside the plan's). ga.example's store is swept on the clock, and every
/// expiry record it makes is kept. The scenario starts at <see cref="BeginPlan"/>, not when the clock was made: the plan's
/// windows and the link's windows and blackouts count from there, so a slow start (a loaded machine opening the stores)
/// does not eat into them.
/// </summary>
internal sealed class RelayWorld : IAsyncDisposable
{
    public const string Sender = "ga.example";
    public const string Receiver = "gb.example";
    public const string Destination = "b.example";
    public const string Account = "a.example";

    private readonly TempDirectory _directory = new("relay");
    private readonly CancellationTokenSource _stop = new();
    private Task _sweeps = Task.CompletedTask;
    private BulkSenderOptions _senderOptions = null!;
    private BulkRelayOptions _relayOptions = null!;
    private Func<DateTimeOffset, ContactDefinition> _plan = null!;

    private RelayWorld(ScaledTimeProvider clock, LinkProfile profile)
    {
        Clock = clock;
        SenderKeys = DomainKeySet.Generate(Sender, clock);
        ReceiverKeys = DomainKeySet.Generate(Receiver, clock);
        SenderSocket = new BulkUdpSocket(new IPEndPoint(IPAddress.Loopback, 0));
        ReceiverSocket = new BulkUdpSocket(new IPEndPoint(IPAddress.Loopback, 0));
        Link = new UdpLink(ReceiverSocket.LocalEndPoint, profile, clock);
        Descriptors = new StaticDescriptorResolver(Describe(SenderKeys, null), Describe(ReceiverKeys, Link.EndPoint));
    }

    public ScaledTimeProvider Clock { get; }

    public DomainKeySet SenderKeys { get; }

    public DomainKeySet ReceiverKeys { get; }

    public StaticDescriptorResolver Descriptors { get; }

    public BulkUdpSocket SenderSocket { get; private set; }

    public BulkUdpSocket ReceiverSocket { get; }

    public UdpLink Link { get; }

    public TransitStore SenderStore { get; private set; } = null!;

    public TransitStore ReceiverStore { get; private set; } = null!;

    public Engine.Contacts.ContactWindows Contacts { get; private set; } = null!;

    public BulkSender BulkSender { get; private set; } = null!;

    public BulkReceiver BulkReceiver { get; private set; } = null!;

    public BulkRelay Relay { get; private set; } = null!;

    /// <summary>ga.example's expiry records, by blob.</summary>
    public ConcurrentDictionary<MessageId, int> Expired { get; } = new();

    /// <summary>
    /// Starts both gateways with no contact yet: <see cref="BeginPlan"/> puts <paramref name="plan"/>'s contact from
    /// ga.example to gb.example in force, its windows offsets from that moment. <paramref name="receiverSink"/> may wrap
    /// what gb.example sends back (a test's scripted answers).
    /// </summary>
    public static async Task<RelayWorld> StartAsync(ScaledTimeProvider clock, LinkProfile profile, Func<DateTimeOffset, ContactDefinition> plan, Action<BulkSenderOptions>? sender = null, Action<BulkReceiverOptions>? receiver = null, TimeSpan? retryInterval = null, Func<IBulkDatagramSink, IBulkDatagramSink>? receiverSink = null)
    {
        var world = new RelayWorld(clock, profile) { _plan = plan };
        var senderOptions = new BulkSenderOptions { ReceiptWait = TimeSpan.FromSeconds(5), ReportSlack = TimeSpan.FromSeconds(1), MinRemaining = TimeSpan.FromMinutes(1), StagingDirectory = world._directory.File("staging") };
        sender?.Invoke(senderOptions);
        var receiverOptions = new BulkReceiverOptions { IdleTimeout = TimeSpan.FromSeconds(30) };
        receiverOptions.Senders.Add(Sender);
        receiver?.Invoke(receiverOptions);
        var relayOptions = new BulkRelayOptions { RetryInterval = retryInterval ?? TimeSpan.FromMinutes(5) };
        relayOptions.NextHops[Destination] = Receiver;
        world._senderOptions = senderOptions;
        world._relayOptions = relayOptions;

        world.SenderStore = await TransitStore.OpenAsync(StoreOptions(world._directory.File("a")), clock);
        world.ReceiverStore = await TransitStore.OpenAsync(StoreOptions(world._directory.File("b")), clock);
        world.SenderStore.BlobExpired = expiry => world.Expired.AddOrUpdate(expiry.MessageId, 1, (_, n) => n + 1);
        world.Contacts = new Engine.Contacts.ContactWindows(Sender, ContactPlan.Empty, clock);
        var answers = receiverSink?.Invoke(world.ReceiverSocket) ?? world.ReceiverSocket;
        world.BulkReceiver = new BulkReceiver(world.ReceiverStore, () => world.ReceiverKeys, world.Descriptors, answers, receiverOptions, world._directory.File("b"), clock);
        world.ReceiverSocket.Start(world.BulkReceiver.Receive);
        world.StartSenderSide();
        world._sweeps = world.SweepAsync(world._stop.Token);
        return world;
    }

    /// <summary>
    /// Begins the scenario now: the plan's contact is put in force with its windows counted from this moment, and so are
    /// the link's windows and blackouts. Returns the moment, which the test's own spans count from.
    /// </summary>
    public DateTimeOffset BeginPlan()
    {
        // One instant for both: at 500× a millisecond between two readings of the clock is half a scaled second.
        var start = Clock.Start.AddTicks(Link.StartSchedulesNow());
        Contacts.Replace(new ContactPlan([_plan(start)]));
        return start;
    }

    /// <summary>
    /// ga.example's bulk side stops as a node's stage does at SIGTERM (the relay, then its sender: the session under way is
    /// cancelled, reason stopping) and starts again on a new port; the scheduler of the new process asks the relay about
    /// every delivery still Outstanding, which <paramref name="outstanding"/> stands for.
    /// </summary>
    public async Task RestartSenderSideAsync(IEnumerable<MessageId> outstanding)
    {
        await Relay.DisposeAsync();
        SenderSocket.Dispose();
        SenderSocket = new BulkUdpSocket(new IPEndPoint(IPAddress.Loopback, 0));
        StartSenderSide();
        foreach (var id in outstanding)
        {
            if (SenderStore.HasOutstanding(id, Destination))
            {
                Assert.True(Relay.IsHeld(id, Destination));
            }
        }
    }

    /// <summary>Submits a blob at ga.example for two recipients at b.example and holds it as the scheduler would (asks the relay).</summary>
    public async Task<(MessageId Id, Bytes32 Hash, DateTimeOffset Expiry)> InjectAsync(int size, TimeSpan expiry, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var at = Clock.GetUtcNow() + expiry;
        var result = await SenderStore.SubmitAsync(
            new SubmissionRequest
            {
                Account = Account,
                Recipients = [new TransitRecipient(Destination, RecipientHash.NewRandom()), new TransitRecipient(Destination, RecipientHash.NewRandom())],
                TransitExpiry = at,
                MimeHint = "message/tern",
            },
            new MemoryStream(bytes));
        Assert.True(Relay.IsHeld(result.MessageId, Destination));
        return (result.MessageId, result.PayloadHash, at);
    }

    /// <summary>
    /// What became of a blob: transferred (held at gb.example with its hash, Transferred at ga.example), committed (held
    /// there, the receipt not yet verified here), expired at ga.example, or held (here, waiting).
    /// </summary>
    public string Fate(MessageId id, Bytes32 hash)
    {
        var here = SenderStore.FindMessage(id);
        var there = ReceiverStore.FindMessage(Engine.Custody.CustodyKeys.LocalId(id, Destination));
        if (there is not null)
        {
            Assert.Equal(hash, there.PayloadHash);
            Assert.Equal(Account, there.Account);
            Assert.Equal(2, there.Deliveries.Count);
            // Committed there before the receipt is back here: in transit until ga.example verifies it.
            return here is null || here.Deliveries.All(d => d.State == DeliveryState.Transferred) ? "transferred" : "committed";
        }

        if (Expired.ContainsKey(id))
        {
            return "expired";
        }

        return "held";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sweeps.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Relay.DisposeAsync();
        await Link.DisposeAsync();
        SenderSocket.Dispose();
        ReceiverSocket.Dispose();
        await BulkReceiver.DisposeAsync();
        await SenderStore.DisposeAsync();
        await ReceiverStore.DisposeAsync();
        SenderKeys.Dispose();
        ReceiverKeys.Dispose();
        _stop.Dispose();
        _directory.Dispose();
    }

    private void StartSenderSide()
    {
        BulkSender = new BulkSender(SenderStore, () => SenderKeys, Descriptors, SenderSocket, _senderOptions, Clock);
        Relay = new BulkRelay(SenderStore, Contacts, _relayOptions, Clock);
        SenderSocket.Start(BulkSender.Receive);
        Relay.Start(BulkSender, new DescriptorBulkPeers(Descriptors), _senderOptions.MinRemaining);
    }

    /// <summary>ga.example's expiry sweep every scaled 10 s, as a node's maintenance would run it.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), Clock, cancellationToken);
            await SenderStore.SweepAsync(Clock.GetUtcNow(), cancellationToken);
        }
    }

    private static DomainDescriptor Describe(DomainKeySet keys, IPEndPoint? bulk) =>
        new(DomainDescriptor.For(keys, ["udp://127.0.0.1:7400"], ["http://127.0.0.1:1"], TimeSpan.FromDays(1), gateway: true))
        {
            Bulk = bulk is null ? null : [$"udp://{bulk}"],
        };

    private static TransitStoreOptions StoreOptions(string directory) => new()
    {
        DataDirectory = directory,
        BlobPageSizeBits = 20,
        BlobMemorySizeBits = 24,
        BlobSegmentSizeBits = 26,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
        MinFreeBytes = 0,
    };
}
