using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.ClientApi.Users;
using Tern.Engine.Notify;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Node;

namespace Tern.ClientApi.Tests;

/// <summary>
/// A node composed as <c>tern run</c> composes it (AddTernNode + AddTernClientApi) in-process on loopback with port 0
/// everywhere, its data in a temporary directory; peers are set by the test (static resolvers instead of DNS).
/// </summary>
public sealed class ApiNode : IAsyncDisposable
{
    private readonly IHost _host;

    private ApiNode(IHost host, string domain, string dataDirectory, StaticPeerResolver peers, Descriptors descriptors)
    {
        _host = host;
        Domain = domain;
        DataDirectory = dataDirectory;
        Peers = peers;
        DescriptorsOfPeers = descriptors;
        Node = host.Services.GetRequiredService<TernNode>();
        Http = new HttpClient { BaseAddress = new Uri($"http://{Node.ClientApiEndPoint}") };
    }

    public string Domain { get; }

    public string DataDirectory { get; }

    public TernNode Node { get; }

    public HttpClient Http { get; }

    public StaticPeerResolver Peers { get; }

    public Descriptors DescriptorsOfPeers { get; }

    public static Dictionary<string, string?> Settings(string domain, string dataDirectory) => new()
    {
        ["Tern:Node:Domain"] = domain,
        ["Tern:Node:DataDirectory"] = dataDirectory,
        ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
        ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
        ["Tern:Node:HttpEndpoint"] = "",
        ["Tern:Node:FetchTls"] = "false",
        ["Tern:Node:AllowPlainTextFetchOnLoopback"] = "true",
        ["Tern:Node:DrainTimeout"] = "00:00:02",
        ["Tern:Delivery:TickInterval"] = "00:00:00.010",
        ["Tern:Delivery:WheelSlots"] = "4096",
        ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
        ["Tern:ClientApi:MaxMessageBytes"] = (128L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tern:ClientApi:MaxRecipients"] = "8",
        ["Tern:ClientApi:MaxPollWait"] = "00:00:30",

        // Tests enrol many devices from loopback; the rate-limit test sets its own.
        ["Tern:ClientApi:AuthRequestsPerMinute"] = "10000",
    };

    /// <summary>Writes the domain's keys into <paramref name="dataDirectory"/> (once) and starts the node.</summary>
    public static async Task<ApiNode> StartAsync(string domain, string dataDirectory, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>(TernInProcessNode.SmallTransitSettings);
        foreach (var (key, value) in Settings(domain, dataDirectory).Concat(overrides ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        var peers = new StaticPeerResolver();
        var descriptors = new Descriptors();
        var host = await TernInProcessNode.StartAsync(domain, dataDirectory, settings, (collection, configuration) =>
        {
            collection.AddTernClientApi(configuration);
            collection.AddSingleton<INotificationPeerResolver>(peers);
            collection.AddSingleton<IDescriptorResolver>(descriptors);
            services?.Invoke(collection);
        });

        return new ApiNode(host, domain, dataDirectory, peers, descriptors);
    }

    /// <summary>Makes this node able to notify <paramref name="other"/> and <paramref name="other"/> able to pull from this one.</summary>
    public void Introduce(ApiNode other)
    {
        var theirs = other.Node.Describe(TimeSpan.FromDays(1));
        Peers.Set(new NotificationPeer(other.Domain, theirs.AgreementKey, other.Node.NotifyEndPoint));
        other.DescriptorsOfPeers.Set(Node.Describe(TimeSpan.FromDays(1)));
    }

    /// <summary>Adds a user through the directory the operator's tools use (the running node reads the file again).</summary>
    public (HttpClient Client, IssuedToken Token) AddUser(string name)
    {
        var token = UserDirectory.Open(DataDirectory).Add(name, $"{name}@{Domain}");
        return (ClientFor(token.Token), token);
    }

    /// <summary>A service of the node's composition.</summary>
    public T Service<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public HttpClient ClientFor(string token)
    {
        var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Descriptors of the peers this node pulls from, set by the test.</summary>
    public sealed class Descriptors : IDescriptorResolver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DomainDescriptor> _known = new(StringComparer.Ordinal);

        public void Set(DomainDescriptor descriptor) => _known[descriptor.Domain] = descriptor;

        public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_known.TryGetValue(domain, out var d) ? d : null);
    }
}
