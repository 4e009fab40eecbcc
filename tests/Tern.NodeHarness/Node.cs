using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Transit;
using Tern.Transports.Udp;

namespace Tern.NodeHarness;

/// <summary>
/// One domain's node as a host would compose it: keys, transit store, notification scheduler and a sendmmsg transport on the
/// sending side; the UDP notification port, ingest and the pending table behind its sink on the receiving side.
/// </summary>
internal sealed class Node : IAsyncDisposable
{
    private Node(HarnessOptions options, DomainKeySet keys, PendingTable pending, PendingTableSink sink, UdpNotificationListener listener,
        TransitStore store, StaticPeerResolver resolver, UdpNotificationTransport transport, NotificationScheduler scheduler)
    {
        Options = options;
        Keys = keys;
        Pending = pending;
        Sink = sink;
        Listener = listener;
        Store = store;
        Resolver = resolver;
        Transport = transport;
        Scheduler = scheduler;
    }

    public HarnessOptions Options { get; }

    public DomainKeySet Keys { get; }

    public PendingTable Pending { get; }

    public PendingTableSink Sink { get; }

    public UdpNotificationListener Listener { get; }

    public TransitStore Store { get; }

    public StaticPeerResolver Resolver { get; }

    public UdpNotificationTransport Transport { get; }

    public NotificationScheduler Scheduler { get; }

    public static async Task<Node> StartAsync(HarnessOptions options)
    {
        // The domain's keys live in the data directory, so a restarted node is the same domain.
        var keyDirectory = Path.Combine(options.DataDirectory, "keys");
        if (!File.Exists(Path.Combine(keyDirectory, DomainKeySet.SecretFileName)))
        {
            using var generated = DomainKeySet.Generate(options.Domain);
            generated.Save(keyDirectory);
        }

        var keys = DomainKeySet.Load(keyDirectory);
        var pending = new PendingTable(PendingTableOptions.Small(Path.Combine(options.DataDirectory, "pending")));
        var sink = new PendingTableSink(pending);
        var ingest = new NotificationIngest(keys, sink, new PullPreferenceTable(), new IngestOptions { PeerKeyCacheCapacity = 1024, SourceTableSlots = 1024 });
        var listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), PollInterval = TimeSpan.FromMilliseconds(50), ReceiveBufferBytes = 1 << 20 },
            ingest);
        listener.Start();

        var storeOptions = TransitStoreOptions.Small(options.DataDirectory);
        storeOptions.CheckpointInterval = TimeSpan.FromMilliseconds(options.CheckpointMs);
        var store = await TransitStore.OpenAsync(storeOptions);
        var resolver = new StaticPeerResolver();
        var transport = new UdpNotificationTransport(batch: 16, sendBufferBytes: 1 << 20);
        var scheduler = new NotificationScheduler(store, keys, resolver, transport, new NotificationSchedulerOptions
        {
            FetchHints = [$"https://node.{options.Domain}:7443"],
            InitialRetransmitInterval = TimeSpan.FromMilliseconds(options.InitialRetransmitMs),
            MaxRetransmitInterval = TimeSpan.FromMilliseconds(options.MaxRetransmitMs),
            TickInterval = TimeSpan.FromMilliseconds(options.TickMs),
            WheelSlots = 1 << 12,
            PeerRetryInterval = TimeSpan.FromMilliseconds(options.PeerRetryMs),
        });
        await scheduler.StartAsync();
        return new Node(options, keys, pending, sink, listener, store, resolver, transport, scheduler);
    }

    public async ValueTask DisposeAsync()
    {
        Scheduler.Dispose();
        Transport.Dispose();
        Listener.Dispose();
        await Store.DisposeAsync();
        Pending.Dispose();
        Keys.Dispose();
    }
}
