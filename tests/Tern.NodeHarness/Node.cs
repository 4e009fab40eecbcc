using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Node;
using Tern.Transports.Udp;

namespace Tern.NodeHarness;

/// <summary>
/// One domain's node, composed by <see cref="TernServiceCollectionExtensions.AddTernNode"/> as <c>tern run</c> composes it,
/// without fetch doors: the sending side (transit store, delivery scheduler, sendmmsg transport) and the receiving side
/// (UDP notification port, ingest, pending table). Its peers are the ones the test names (<c>PEER</c>), not discovery's.
/// </summary>
internal sealed class Node : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TernNode _node;

    private Node(HarnessOptions options, IHost host, StaticPeerResolver resolver)
    {
        Options = options;
        _host = host;
        _node = host.Services.GetRequiredService<TernNode>();
        Resolver = resolver;
    }

    public HarnessOptions Options { get; }

    public DomainKeySet Keys => _node.Keys;

    public PendingTable Pending => _node.Pending;

    public PendingTableSink Sink => _node.Sink;

    public UdpNotificationListener Listener => _node.Listener;

    public TransitStore Store => _node.Store;

    public StaticPeerResolver Resolver { get; }

    public UdpNotificationTransport Transport => _node.Transport;

    public NotificationScheduler Scheduler => _node.Scheduler;

    public static async Task<Node> StartAsync(HarnessOptions options)
    {
        // The domain's keys live in the data directory, so a restarted node is the same domain.
        var keyDirectory = TernDataDirectory.Keys(options.DataDirectory);
        if (!File.Exists(Path.Combine(keyDirectory, DomainKeySet.SecretFileName)))
        {
            using var generated = DomainKeySet.Generate(options.Domain);
            generated.Save(keyDirectory);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = options.Domain,
            ["Tern:Node:DataDirectory"] = options.DataDirectory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "",
            ["Tern:Node:FetchHints:0"] = $"https://node.{options.Domain}:7443",
            ["Tern:Transit:ChunkSize"] = "4096",
            ["Tern:Transit:BlobPageSizeBits"] = "14",
            ["Tern:Transit:BlobMemorySizeBits"] = "16",
            ["Tern:Transit:BlobSegmentSizeBits"] = "16",
            ["Tern:Transit:JournalPageSizeBits"] = "19",
            ["Tern:Transit:JournalMemorySizeBits"] = "21",
            ["Tern:Transit:JournalSegmentSizeBits"] = "20",
            ["Tern:Transit:CheckpointInterval"] = Ms(options.CheckpointMs),
            ["Tern:Delivery:InitialRetransmitInterval"] = Ms(options.InitialRetransmitMs),
            ["Tern:Delivery:MaxRetransmitInterval"] = Ms(options.MaxRetransmitMs),
            ["Tern:Delivery:TickInterval"] = Ms(options.TickMs),
            ["Tern:Delivery:WheelSlots"] = "4096",
            ["Tern:Delivery:PeerRetryInterval"] = Ms(options.PeerRetryMs),
            ["Tern:Ingest:PeerKeyCacheCapacity"] = "1024",
            ["Tern:Ingest:SourceTableSlots"] = "1024",
            ["Tern:Udp:PollInterval"] = "00:00:00.050",
            ["Tern:Udp:ReceiveBufferBytes"] = "1048576",
        });
        builder.Services.AddTernNode(builder.Configuration);
        var resolver = new StaticPeerResolver();
        builder.Services.AddSingleton<INotificationPeerResolver>(resolver);
        builder.Services.AddSingleton<IDescriptorResolver>(new StaticDescriptorResolver());
        var host = builder.Build();
        await host.StartOrDisposeAsync();

        return new Node(options, host, resolver);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static string Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds).ToString("c", CultureInfo.InvariantCulture);
}
