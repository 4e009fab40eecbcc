using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Fetch.Client;
using Tern.Transports.Udp;

namespace Tern.Cli.Demo;

/// <summary>
/// One domain's engine, composed as the node host will compose it, on loopback: keys on disk (0600); the sending side
/// (transit store, notification scheduler, sendmmsg transport, framed and HTTP fetch doors); the receiving side (UDP
/// notification port, ingest, pending table, immediate pull queue, pull worker, message store), the peers it notifies or
/// pulls from taught to the ingest as known peers.
/// </summary>
internal sealed class DemoDomain : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private UdpNotificationTransport? _transport;

    private DemoDomain(string domain, string directory, DomainKeySet keys)
    {
        Domain = domain;
        Directory = directory;
        Keys = keys;
    }

    public string Domain { get; }

    public string Directory { get; }

    public DomainKeySet Keys { get; }

    public TransitStore Store { get; private set; } = null!;

    public FetchServer Fetch { get; private set; } = null!;

    public NotificationScheduler Scheduler { get; private set; } = null!;

    public StaticPeerResolver Peers { get; } = new();

    /// <summary>Receive keys derived in advance for the domains this one notifies or pulls from.</summary>
    public KnownPeerKeys KnownPeers { get; private set; } = null!;

    public PullPreferenceTable Preferences { get; } = new();

    public PendingTable Pending { get; private set; } = null!;

    public PendingTableSink Sink { get; private set; } = null!;

    public UdpNotificationListener Listener { get; private set; } = null!;

    public MessageStore Messages { get; private set; } = null!;

    public PullWorker Puller { get; private set; } = null!;

    public ImmediatePullQueue PullQueue { get; private set; } = null!;

    public IPEndPoint FramedEndPoint => Fetch.GetEndPoint(FetchDoor.Framed);

    public Uri HttpBase => new($"http://127.0.0.1:{Fetch.GetEndPoint(FetchDoor.Http).Port}");

    /// <summary>The framed door, as a fetch hint and a descriptor entry.</summary>
    public string FramedUri => $"tern+tcp://127.0.0.1:{FramedEndPoint.Port}";

    /// <summary>Starts everything but the scheduler and the pull worker, which need the peer's descriptor first.</summary>
    public static async Task<DemoDomain> StartAsync(string root, string domain, DemoTiming timing)
    {
        var directory = Path.Combine(root, domain);
        using (var generated = DomainKeySet.Generate(domain))
        {
            generated.Save(Path.Combine(directory, "keys"));
        }

        var node = new DemoDomain(domain, directory, DomainKeySet.Load(Path.Combine(directory, "keys")));
        node.KnownPeers = new KnownPeerKeys(node.Keys, capacity: 64);
        node.Store = await TransitStore.OpenAsync(TransitStoreOptions.Small(directory));
        node._owned.Add(node.Store);

        var fetchOptions = new FetchServerOptions { CoverageFile = Path.Combine(directory, "fetch-coverage.bin") };
        fetchOptions.Listeners.Add(new FetchListener(FetchDoor.Framed, new IPEndPoint(IPAddress.Loopback, 0), tls: false));
        fetchOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, 0), tls: false) { HttpProtocols = HttpProtocols.Http1AndHttp2 });
        node.Fetch = new FetchServer(node.Store, fetchOptions);
        await node.Fetch.StartAsync();
        node._owned.Add(node.Fetch);

        node.Pending = new PendingTable(PendingTableOptions.Small(Path.Combine(directory, "pending")));
        node.Messages = new MessageStore(new MessageStoreOptions { DataDirectory = directory });
        node._transport = new UdpNotificationTransport(batch: 16, sendBufferBytes: 1 << 20);
        node.Scheduler = new NotificationScheduler(node.Store, node.Keys, new KnownPeerResolver(node.Peers, node.KnownPeers), node._transport, new NotificationSchedulerOptions
        {
            FetchHints = [node.FramedUri],
            InitialRetransmitInterval = timing.InitialRetransmit,
            MaxRetransmitInterval = timing.MaxRetransmit,
            TickInterval = TimeSpan.FromMilliseconds(10),
            WheelSlots = 1 << 12,
        });
        return node;
    }

    /// <summary>This domain's signed descriptor: its notification port and framed door.</summary>
    public DomainDescriptor Describe() => DomainDescriptor.For(Keys, [$"udp://{Listener.LocalEndpoint}"], [FramedUri], TimeSpan.FromDays(7));

    /// <summary>Opens the notification port (ingest into the pending table, immediate pulls handed to the worker).</summary>
    public void OpenNotificationPort(IDescriptorResolver descriptors, HttpClient http)
    {
        var sources = new FetchSourceFactory(http, allowPlainTextOnLoopback: true);
        _owned.Add(sources);
        Puller = new PullWorker(Pending, Messages, new KnownPeerDescriptorResolver(descriptors, KnownPeers), sources, new PullWorkerOptions { MaxConcurrentPulls = 2 });
        Puller.Start();
        PullQueue = new ImmediatePullQueue(Pending, Puller);
        PullQueue.Start();
        Sink = new PendingTableSink(Pending, PullQueue);
        var ingest = new NotificationIngest(Keys, Sink, Preferences, new IngestOptions { PeerKeyCacheCapacity = 1024, SourceTableSlots = 1024 }, KnownPeers);
        Listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), PollInterval = TimeSpan.FromMilliseconds(50), ReceiveBufferBytes = 1 << 20 },
            ingest);
        Listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        Scheduler.Dispose();
        _transport?.Dispose();
        Listener?.Dispose();
        if (PullQueue is not null)
        {
            await PullQueue.DisposeAsync();
        }

        if (Puller is not null)
        {
            await Puller.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        Pending.Dispose();
        KnownPeers.Dispose();
        Keys.Dispose();
    }
}
