using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tern.Node;

/// <summary>
/// The Kestrel host of one of the node's HTTP surfaces (the client API, the admin API): a slim application on its own
/// listener, HTTP/1.1 and HTTP/2, TLS from the node's certificate when asked, the node's loggers, RFC 9457 problems, no
/// Server header. A port that cannot be bound is a <see cref="TernConfigurationException"/> naming the surface's key.
/// </summary>
public static class SurfaceHost
{
    /// <summary>A builder for the surface of <paramref name="stage"/>'s assembly listening on <paramref name="endPoint"/>.</summary>
    /// <param name="stage">The surface's stage type: its assembly names the application.</param>
    /// <param name="loggers">The node's loggers, which the surface's routes log through.</param>
    /// <param name="endPoint">The surface's own listener.</param>
    /// <param name="certificatePath">The PKCS#12 file to serve TLS with; null for plain text.</param>
    /// <param name="limits">The surface's own request limits.</param>
    /// <param name="inlineScheduling">
    /// Whether requests run on the thread that read them (Kestrel's <c>UnsafePreferInlineScheduling</c>), which saves a
    /// thread switch each way; the application must then keep that thread off the disk
    /// (<see cref="Surfaces.InlineRouteExtensions.UseSocketThreadGuard"/>). False keeps Kestrel's default: every request
    /// and every response on the thread pool.
    /// </param>
    public static WebApplicationBuilder CreateBuilder(Type stage, ILoggerFactory loggers, IPEndPoint endPoint, string? certificatePath, Action<KestrelServerLimits> limits, bool inlineScheduling)
    {
        // The surface's settings come from the node's configuration, not files of its own. The slim builder would read
        // appsettings.json from the working directory and watch that directory's whole tree for it: under `tern run` the
        // node's data directory, the directory it was started from (/ under systemd), where every log append and message
        // file woke a watcher thread in each surface. Both steps are needed: the watch is made when the builder adds the
        // file (taking the file out afterwards leaves it running), and with reload off the file would still be read once.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = stage.Assembly.GetName().Name,
        });
        foreach (var file in builder.Configuration.Sources.OfType<FileConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(file);
        }

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddProblemDetails();
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = inlineScheduling);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            limits(kestrel.Limits);
            kestrel.Listen(endPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (certificatePath is not null)
                {
                    listen.UseHttps(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password: null));
                }
            });
        });
        return builder;
    }

    /// <summary>
    /// Starts <paramref name="app"/> and answers the address it is bound to; a failed bind disposes it and is refused as
    /// <paramref name="key"/> = <paramref name="value"/>.
    /// </summary>
    public static async Task<IPEndPoint> StartAsync(WebApplication app, string key, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new TernConfigurationException(key, value, $"cannot be bound ({e.Message}); choose a free port", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
