using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        ["Tern:Admin:Listen"] = "127.0.0.1:0",
    };

    /// <summary>Writes the domain's keys (once), builds the host and starts it; throws what the start throws.</summary>
    public static async Task<AdminNode> StartAsync(string domain, string dataDirectory, IDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>(TernInProcessNode.SmallTransitSettings);
        foreach (var (key, value) in Settings(domain, dataDirectory).Concat(overrides ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        var host = await TernInProcessNode.StartAsync(domain, dataDirectory, settings, (services, configuration) =>
        {
            services.AddTernAdmin(configuration);

            // No DNS: peers the test does not name are unknown (deliveries stay outstanding, unnotified).
            services.AddSingleton<Tern.Engine.Notify.INotificationPeerResolver>(new Tern.Engine.Notify.StaticPeerResolver());
            services.AddSingleton<Tern.Engine.Pull.IDescriptorResolver>(new NoDescriptors());
            configure?.Invoke(services);
        });
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
