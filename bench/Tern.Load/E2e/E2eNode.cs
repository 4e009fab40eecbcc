using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pull;
using Tern.Node;

namespace Tern.Load.E2e;

/// <summary>
/// One domain's node for the end-to-end run, composed by <see cref="TernServiceCollectionExtensions.AddTernNode"/> as
/// <c>tern run</c> composes it (default store options, a framed door on loopback, the protocol's own backoff), with the
/// run's peers in place of discovery and the stamping decorators that time each step.
/// </summary>
internal sealed class E2eNode : IAsyncDisposable
{
    private readonly IHost _host;

    private E2eNode(IHost host, StaticPeerResolver peers)
    {
        _host = host;
        Peers = peers;
        Node = host.Services.GetRequiredService<TernNode>();
    }

    public TernNode Node { get; }

    /// <summary>The domains this node notifies.</summary>
    public StaticPeerResolver Peers { get; }

    public static async Task<E2eNode> StartAsync(string domain, string directory, IDescriptorResolver descriptors, Action<TernNodeDecorators> decorate, IDictionary<string, string?>? settings = null)
    {
        using (var keys = DomainKeySet.Generate(domain))
        {
            keys.Save(TernDataDirectory.Keys(directory));
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = domain,
            ["Tern:Node:DataDirectory"] = directory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = "true",
            ["Tern:Udp:ReceiveBufferBytes"] = "1048576",
            ["Tern:Ingest:PeerKeyCacheCapacity"] = "1024",
            ["Tern:Ingest:SourceTableSlots"] = "1024",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        // The pending table of PendingTableOptions.Small, as the run used before the node composed it.
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddTernNode(builder.Configuration);
        builder.Services.Configure(decorate);
        var peers = new StaticPeerResolver();
        builder.Services.AddSingleton<INotificationPeerResolver>(peers);
        builder.Services.AddSingleton(descriptors);
        var host = builder.Build();
        await host.StartOrDisposeAsync();

        return new E2eNode(host, peers);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
