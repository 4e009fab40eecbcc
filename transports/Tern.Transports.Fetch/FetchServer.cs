using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Coverage;
using Tern.Transports.Fetch.Quic;

namespace Tern.Transports.Fetch;

/// <summary>
/// The fetch doors over one <see cref="TransitStore"/> on Kestrel servers of their own, for hosts that want nothing
/// else on them (the tests, the benchmarks): <see cref="FetchDoors"/> attached to a listener per
/// <see cref="FetchServerOptions.Listeners"/> entry through <see cref="TernFetchListenOptionsExtensions"/>, and the QUIC
/// door where System.Net.Quic works. A host builds it with options, starts it, reads the bound endpoints back, and
/// disposes it to stop.
/// </summary>
public sealed class FetchServer : IAsyncDisposable
{
    private readonly FetchServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private WebApplication? _app;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public FetchServer(TransitStore store, FetchServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Doors = new FetchDoors(store, options, _loggerFactory, timeProvider);
    }

    /// <summary>The doors' shared state: caps, deadlines, coverage.</summary>
    public FetchDoors Doors { get; }

    /// <summary>Connections open over every door, refused at accept by the caps, and cut for reading too slowly.</summary>
    public FetchConnectionCounters Connections => Doors.Connections;

    /// <summary>The §9 tracker shared by every door.</summary>
    public FetchCoverage Coverage => Doors.Coverage;

    /// <summary>Whether the QUIC door can run on this machine (libmsquic present).</summary>
    public static bool IsQuicSupported => QuicFetchDoor.IsSupported;

    /// <summary>The listeners, with <see cref="FetchListener.BoundEndPoint"/> set once started.</summary>
    public IReadOnlyList<FetchListener> Listeners => (IReadOnlyList<FetchListener>)_options.Listeners;

    /// <summary>
    /// The bound address of the first started listener of <paramref name="door"/> (TLS or not as asked, and for HTTP
    /// with exactly <paramref name="protocols"/> when given).
    /// </summary>
    public IPEndPoint GetEndPoint(FetchDoor door, bool tls = false, HttpProtocols? protocols = null)
    {
        foreach (var listener in _options.Listeners)
        {
            if (listener.Door == door && listener.Tls == tls && (protocols is null || listener.HttpProtocols == protocols) && listener.BoundEndPoint is { } bound)
            {
                return bound;
            }
        }

        throw new InvalidOperationException($"No started {(tls ? "TLS" : "plain")} {door} listener.");
    }

    /// <summary>Restores the saved coverage (when <see cref="FetchServerOptions.CoverageFile"/> is set), binds every listener and starts serving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Doors.StartAsync().ConfigureAwait(false);

        // One Kestrel server with a listener per door, when any door runs on Kestrel (QUIC does not).
        if (_options.Listeners.Any(l => l.Door != FetchDoor.Quic))
        {
            _app = await StartAppAsync(cancellationToken).ConfigureAwait(false);
        }

        Doors.ListenersStarted();
        foreach (var listener in _options.Listeners)
        {
            if (listener.Door == FetchDoor.Quic)
            {
                await Doors.StartQuicAsync(listener, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<WebApplication> StartAppAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(_loggerFactory);
        builder.WebHost.UseKestrelCore().UseTernFetchTransport(_options).ConfigureKestrel(kestrel =>
        {
            Doors.ConfigureKestrelLimits(kestrel);
            foreach (var listener in _options.Listeners.Where(l => l.Door != FetchDoor.Quic))
            {
                kestrel.ListenTernDoor(Doors, listener);
            }
        });
        var app = builder.Build();
        app.UseTernHttpDoorRequests();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>Stops accepting, lets in-flight requests finish for up to <paramref name="cancellationToken"/>, then closes (and saves the coverage).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await Doors.StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }

        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }

        await Doors.DisposeAsync().ConfigureAwait(false);
    }
}
