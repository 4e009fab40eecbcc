using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tern.Cli.Demo;

/// <summary>
/// The demo domains' web server: <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2) on 127.0.0.1
/// for every domain it holds a signed descriptor for, under a certificate the demo's CA issued. A real domain's web
/// server is not its Tern node (docs/DISCOVERY.md §1); the nodes find this one through the demo's DNS and its port
/// through <c>Tern:DiscoveryNetwork:DescriptorPort</c>. Requests are counted per domain.
/// </summary>
internal sealed class WellKnownSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _documents = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.OrdinalIgnoreCase);

    private WellKnownSite(WebApplication app) => _app = app;

    /// <summary>The HTTPS port.</summary>
    public int Port { get; private set; }

    public static async Task<WellKnownSite> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var site = new WellKnownSite(app);
        app.MapGet("/.well-known/tern", site.Answer);
        await app.StartAsync().ConfigureAwait(false);
        site.Port = new Uri(app.Urls.First()).Port;
        return site;
    }

    /// <summary>Serves <paramref name="document"/> (a signed descriptor) as <paramref name="domain"/>'s from now on.</summary>
    public void Publish(string domain, byte[] document) => _documents[domain] = document;

    /// <summary>How many times <paramref name="domain"/>'s descriptor was asked for.</summary>
    public int Requests(string domain) => _requests.TryGetValue(domain, out var count) ? count : 0;

    private IResult Answer(HttpContext context)
    {
        var host = context.Request.Host.Host;
        if (!_documents.TryGetValue(host, out var document))
        {
            return Results.NotFound();
        }

        _requests.AddOrUpdate(host, 1, (_, count) => count + 1);
        return Results.Bytes(document, "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
