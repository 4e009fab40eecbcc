using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.Admin;
using Tern.Node;

namespace Tern.GatewayBench;

/// <summary>
/// A node composed as <c>tern run</c> composes it (AddTernNode + AddTernAdmin) on loopback, without fetch doors or peers:
/// what the expiring-before-T route needs, an admin surface over a transit store.
/// </summary>
internal sealed class AdminNodeHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AdminNodeHost(IHost host, string dataDirectory)
    {
        _host = host;
        Node = host.Services.GetRequiredService<TernNode>();
        Http = new HttpClient { BaseAddress = new Uri($"http://{Node.AdminEndPoint}"), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken.Read(dataDirectory));
    }

    public TernNode Node { get; }

    /// <summary>A client of the admin surface, sending the node's admin token.</summary>
    public HttpClient Http { get; }

    public static async Task<AdminNodeHost> StartAsync(string domain, string dataDirectory)
    {
        var host = await TernInProcessNode.StartAsync(domain, dataDirectory, new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = domain,
            ["Tern:Node:DataDirectory"] = dataDirectory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "",
            ["Tern:Node:HttpEndpoint"] = "",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Node:DrainTimeout"] = "00:00:05",
            // No checkpoint or sweep during the queries: the index is what is measured, not maintenance beside it.
            ["Tern:Transit:CheckpointInterval"] = "01:00:00",
            // The store is filled for the query, whose cost does not depend on how durably each blob was written: through
            // the page cache without a sync per commit, so that a million blobs go in within the benchmark's budget.
            ["Tern:Transit:BlobLogWrites"] = "PageCache",
            ["Tern:Transit:JournalLogWrites"] = "PageCache",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
        }, (services, configuration) =>
        {
            services.AddTernAdmin(configuration);
            services.AddSingleton<Tern.Engine.Notify.INotificationPeerResolver>(new Tern.Engine.Notify.StaticPeerResolver());
        });
        return new AdminNodeHost(host, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
