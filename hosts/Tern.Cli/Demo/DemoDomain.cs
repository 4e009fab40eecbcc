using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Node;
using Tern.Transports.Fetch;
using Tern.Transports.Udp;

namespace Tern.Cli.Demo;

/// <summary>
/// One domain's node on loopback, composed by <see cref="TernServiceCollectionExtensions.AddTernNode"/> as <c>tern run</c>
/// composes it — keys on disk (0600), transit store, fetch doors (framed and HTTP), delivery scheduler, pull worker and
/// message store, the notification port — with the demo's peers in place of DNS: the notification peers it is told and
/// the descriptors the demo verified.
/// </summary>
internal sealed class DemoDomain : IAsyncDisposable
{
    private readonly IHost _host;

    private DemoDomain(string domain, string directory, IHost host, StaticPeerResolver peers)
    {
        Domain = domain;
        Directory = directory;
        _host = host;
        Peers = peers;
        Node = host.Services.GetRequiredService<TernNode>();
    }

    public string Domain { get; }

    public string Directory { get; }

    public TernNode Node { get; }

    public DomainKeySet Keys => Node.Keys;

    public TransitStore Store => Node.Store;

    public FetchDoors Fetch => Node.Fetch!;

    public NotificationScheduler Scheduler => Node.Scheduler;

    /// <summary>The peers this domain notifies (the demo sets them once it has verified their descriptors).</summary>
    public StaticPeerResolver Peers { get; }

    public PullPreferenceTable Preferences => Node.Preferences;

    public PendingTable Pending => Node.Pending;

    public PendingTableSink Sink => Node.Sink;

    public UdpNotificationListener Listener => Node.Listener;

    public MessageStore Messages => Node.Messages;

    public PullWorker Puller => Node.Puller;

    public IPEndPoint FramedEndPoint => Node.FramedEndPoint!;

    public Uri HttpBase => new($"http://127.0.0.1:{Node.HttpEndPoint!.Port}");

    /// <summary>The framed door, as a fetch hint and a descriptor entry.</summary>
    public string FramedUri => $"tern+tcp://127.0.0.1:{FramedEndPoint.Port}";

    /// <summary>Makes the data directory (keys) and starts the node; pulls verify senders through <paramref name="descriptors"/>.</summary>
    public static async Task<DemoDomain> StartAsync(string root, string domain, DemoTiming timing, IDescriptorResolver descriptors)
    {
        var directory = Path.Combine(root, domain);
        using (var generated = DomainKeySet.Generate(domain))
        {
            generated.Save(TernDataDirectory.Keys(directory));
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = domain,
            ["Tern:Node:DataDirectory"] = directory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = "true",
            ["Tern:Node:DrainTimeout"] = "00:00:02",
            ["Tern:Transit:ChunkSize"] = "4096",
            ["Tern:Transit:BlobPageSizeBits"] = "14",
            ["Tern:Transit:BlobMemorySizeBits"] = "16",
            ["Tern:Transit:BlobSegmentSizeBits"] = "16",
            ["Tern:Transit:JournalPageSizeBits"] = "19",
            ["Tern:Transit:JournalMemorySizeBits"] = "21",
            ["Tern:Transit:JournalSegmentSizeBits"] = "20",
            ["Tern:Delivery:InitialRetransmitInterval"] = timing.InitialRetransmit.ToString("c", CultureInfo.InvariantCulture),
            ["Tern:Delivery:MaxRetransmitInterval"] = timing.MaxRetransmit.ToString("c", CultureInfo.InvariantCulture),
            ["Tern:Delivery:TickInterval"] = "00:00:00.010",
            ["Tern:Delivery:WheelSlots"] = "4096",
            ["Tern:Pull:MaxConcurrentPulls"] = "2",
            ["Tern:Ingest:PeerKeyCacheCapacity"] = "1024",
            ["Tern:Ingest:SourceTableSlots"] = "1024",
            ["Tern:Udp:PollInterval"] = "00:00:00.050",
            ["Tern:Udp:ReceiveBufferBytes"] = "1048576",
        });

        // The demo prints its own steps; the node's logs would interleave with them.
        builder.Logging.ClearProviders();
        builder.Services.AddTernNode(builder.Configuration);
        var peers = new StaticPeerResolver();
        builder.Services.AddSingleton<INotificationPeerResolver>(peers);
        builder.Services.AddSingleton(descriptors);
        var host = builder.Build();
        await host.StartOrDisposeAsync();

        return new DemoDomain(domain, directory, host, peers);
    }

    /// <summary>This domain's signed descriptor: its notification port and framed door.</summary>
    public DomainDescriptor Describe() => DomainDescriptor.For(Keys, [$"udp://{Listener.LocalEndpoint}"], [FramedUri], TimeSpan.FromDays(7));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
