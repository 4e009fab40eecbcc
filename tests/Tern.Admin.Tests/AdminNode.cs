using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Engine.Keys;
using Tern.Node;

namespace Tern.Admin.Tests;

/// <summary>A node composed as <c>tern run</c> composes its admin surface (AddTernNode + AddTernAdmin), on loopback with port 0.</summary>
public sealed class AdminNode : IAsyncDisposable
{
    private readonly IHost _host;

    private AdminNode(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
        Node = host.Services.GetRequiredService<TernNode>();
        Token = AdminToken.Read(dataDirectory)!;
        Http = Client(Token);
    }

    public string DataDirectory { get; }

    public TernNode Node { get; }

    public string Token { get; }

    /// <summary>A client sending the admin token.</summary>
    public HttpClient Http { get; }

    public static Dictionary<string, string?> Settings(string domain, string dataDirectory) => new()
    {
        ["Tern:Node:Domain"] = domain,
        ["Tern:Node:DataDirectory"] = dataDirectory,
        ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
        ["Tern:Node:FramedEndpoint"] = "",
        ["Tern:Node:HttpEndpoint"] = "",
        ["Tern:Node:FetchTls"] = "false",
        ["Tern:Node:DrainTimeout"] = "00:00:01",
        ["Tern:Transit:BlobPageSizeBits"] = "20",
        ["Tern:Transit:BlobMemorySizeBits"] = "22",
        ["Tern:Transit:BlobSegmentSizeBits"] = "24",
        ["Tern:Transit:JournalPageSizeBits"] = "19",
        ["Tern:Transit:JournalMemorySizeBits"] = "21",
        ["Tern:Transit:JournalSegmentSizeBits"] = "22",
        ["Tern:Admin:Listen"] = "127.0.0.1:0",
    };

    /// <summary>Writes the domain's keys (once), builds the host and starts it; throws what the start throws.</summary>
    public static async Task<AdminNode> StartAsync(string domain, string dataDirectory, IDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? configure = null)
    {
        var keys = TernDataDirectory.Keys(dataDirectory);
        if (!File.Exists(Path.Combine(keys, DomainKeySet.SecretFileName)))
        {
            using var generated = DomainKeySet.Generate(domain);
            generated.Save(keys);
        }

        var settings = Settings(domain, dataDirectory);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTernNode(builder.Configuration);
        builder.Services.AddTernAdmin(builder.Configuration);

        // No DNS: peers the test does not name are unknown (deliveries stay outstanding, unnotified).
        builder.Services.AddSingleton<Tern.Engine.Notify.INotificationPeerResolver>(new Tern.Engine.Notify.StaticPeerResolver());
        builder.Services.AddSingleton<Tern.Engine.Pull.IDescriptorResolver>(new NoDescriptors());
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartOrDisposeAsync();
        return new AdminNode(host, dataDirectory);
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{Node.AdminEndPoint}"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private sealed class NoDescriptors : Tern.Engine.Pull.IDescriptorResolver
    {
        public ValueTask<Tern.Engine.Protocol.Descriptor.DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Tern.Engine.Protocol.Descriptor.DomainDescriptor?>(null);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
