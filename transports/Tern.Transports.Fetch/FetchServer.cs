using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;
using Tern.Transports.Fetch.Framed;
using Tern.Transports.Fetch.Http;
using Tern.Transports.Fetch.Http.Http1;
using Tern.Transports.Fetch.Quic;

namespace Tern.Transports.Fetch;

/// <summary>
/// Hosts the fetch doors over one <see cref="TransitStore"/> (docs/PROTOCOL.md §8): the framed door on a Kestrel
/// connection handler, the HTTP door as a terminal request delegate, and the QUIC door where System.Net.Quic works.
/// All doors share one <see cref="FetchCoverage"/>, which marks deliveries fetched (§9). A host builds it with
/// options, starts it, reads the bound endpoints back, and disposes it to stop.
/// </summary>
public sealed class FetchServer : IAsyncDisposable
{
    private readonly TransitStore _store;
    private readonly FetchServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<(FetchListener Listener, ListenOptions Kestrel)> _bound = [];
    private readonly BlobReader _reader;
    private readonly BlobHeaderCache _headers;
    private readonly BlobBodyWriter _body;
    private readonly ConnectionDeadlines _deadlines;
    private readonly ConnectionLimiter _limiter;
    private readonly FetchMetrics _metrics;
    private readonly HttpDateField _date;
    private readonly List<WebApplication> _apps = [];
    private QuicFetchDoor? _quic;
    private CancellationTokenSource? _coverageSaving;
    private Task _coverageSaver = Task.CompletedTask;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public FetchServer(TransitStore store, FetchServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Tern.Transports.Fetch");
        _time = timeProvider ?? TimeProvider.System;
        Coverage = new FetchCoverage(store, options.MaxTrackedPartialFetches, _logger);
        _reader = new BlobReader(store, options.MaxCachedBlobSize, options.BlobCacheBytes);
        _headers = new BlobHeaderCache(options.MaxCachedHeaders, _time);
        _body = new BlobBodyWriter(store, _reader, Coverage, options.ReadSize, _logger);
        _date = new HttpDateField(_time);
        _deadlines = new ConnectionDeadlines(options.MinResponseDataRate, Connections, _logger);
        _limiter = new ConnectionLimiter(options, Connections, _logger);
        _metrics = new FetchMetrics(Connections);
    }

    /// <summary>Connections open over every door, refused at accept by the caps, and cut for reading too slowly.</summary>
    public FetchConnectionCounters Connections { get; } = new();

    /// <summary>The §9 tracker shared by every door.</summary>
    public FetchCoverage Coverage { get; }

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
        if (_options.CoverageFile is { } coverageFile)
        {
            await Coverage.RestoreAsync(coverageFile).ConfigureAwait(false);
            _coverageSaving = new CancellationTokenSource();
            _coverageSaver = SaveCoverageAsync(coverageFile, _coverageSaving.Token);
        }

        // Two Kestrel servers, each only when it has listeners: the doors Tern drives itself (framed, Tern's HTTP/1.1)
        // on one, with pipe continuations run inline (their connection code never blocks, and a response then goes to
        // the socket without a thread switch); Kestrel's HTTP stack (HTTP/2, Kestrel's HTTP/1.1) on the other, on the
        // thread pool as configured, where its HTTP/2 frame writer batches.
        var direct = _options.Listeners.Where(IsDirect).ToList();
        var kestrelHttp = _options.Listeners.Where(l => l.Door == FetchDoor.Http && !IsDirect(l)).ToList();
        if (direct.Count > 0)
        {
            _apps.Add(await StartAppAsync(direct, _options.InlineDirectDoors, http: null, cancellationToken).ConfigureAwait(false));
        }

        if (kestrelHttp.Count > 0)
        {
            var door = new HttpBlobDoor(_store, _headers, _body);
            _apps.Add(await StartAppAsync(kestrelHttp, _options.InlineScheduling, door.HandleAsync, cancellationToken).ConfigureAwait(false));
        }

        FetchLogMessages.SocketCompletionMode(_logger, SocketCompletions.IsInline ? "inline on the event thread" : "on the thread pool", SocketCompletions.InlineVariable,
            Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));
        foreach (var (listener, kestrel) in _bound)
        {
            listener.BoundEndPoint = kestrel.IPEndPoint;
            FetchLogMessages.Listening(_logger, listener.ToString());
        }

        foreach (var listener in _options.Listeners)
        {
            if (listener.Door == FetchDoor.Quic)
            {
                _quic ??= new QuicFetchDoor(_store, _reader, Coverage, _options, _limiter, _logger);
                await _quic.StartAsync(listener, _options.Certificate!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Framed listeners and HTTP/1.1-only listeners served by Tern's own door.</summary>
    private static bool IsDirect(FetchListener listener) =>
        listener.Door == FetchDoor.Framed || (listener.Door == FetchDoor.Http && listener.HttpProtocols == HttpProtocols.Http1 && listener.Http1 == Http1Implementation.Tern);

    private async Task<WebApplication> StartAppAsync(List<FetchListener> listeners, bool inline, RequestDelegate? http, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(_store);
        builder.Services.AddSingleton(_options);
        builder.Services.AddSingleton(Coverage);
        builder.Services.AddSingleton(_reader);
        builder.Services.AddSingleton(_headers);
        builder.Services.AddSingleton(_body);
        builder.Services.AddSingleton(_deadlines);
        builder.Services.AddSingleton(_limiter);
        builder.Services.AddSingleton(_date);
        builder.Services.AddSingleton<FramedFetchHandler>();
        builder.Services.AddSingleton<Http1BlobHandler>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, listeners))
            .UseSockets(sockets =>
            {
                sockets.MaxWriteBufferSize = _options.MaxConnectionOutputBuffer;
                sockets.UnsafePreferInlineScheduling = inline;
            });
        var app = builder.Build();
        if (http is not null)
        {
            app.Run(http);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    private void ConfigureKestrel(KestrelServerOptions kestrel, List<FetchListener> listeners)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxResponseBufferSize = _options.MaxConnectionOutputBuffer;

        // Kestrel's HTTP doors take the same timeouts and response rate as Tern's own (ConnectionDeadlines); the
        // connection caps are the limiter below on every listener, since Kestrel's MaxConcurrentConnections would count
        // each of the two Kestrel servers apart, know no source, and refuse ahead of the limiter's counters.
        kestrel.Limits.KeepAliveTimeout = _options.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = _options.RequestHeadersTimeout;
        kestrel.Limits.MinResponseDataRate = _options.MinResponseDataRate;
        foreach (var listener in listeners)
        {
            if (listener.Door == FetchDoor.Quic)
            {
                continue;
            }

            kestrel.Listen(listener.EndPoint, listen =>
            {
                _bound.Add((listener, listen));

                // First in the pipeline, ahead of TLS: a connection over a cap is closed before it costs a handshake.
                listen.Use(_limiter.Wrap);
                if (listener.Door == FetchDoor.Framed)
                {
                    if (listener.Tls)
                    {
                        // ALPN tern/1 on the framed door (docs/PROTOCOL.md §8.2).
                        listen.UseHttps(new TlsHandshakeCallbackOptions
                        {
                            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                            {
                                ServerCertificate = _options.Certificate,
                                ApplicationProtocols = [QuicFetchDoor.Alpn],
                            }),
                        });
                    }

                    listen.UseConnectionHandler<FramedFetchHandler>();
                    return;
                }

                listen.Protocols = listener.HttpProtocols;
                if (listener.Tls)
                {
                    // ALPN follows listen.Protocols: http/1.1 alone on an HTTP/1.1 listener.
                    listen.UseHttps(_options.Certificate!);
                }

                if (listener.HttpProtocols == HttpProtocols.Http1 && listener.Http1 == Http1Implementation.Tern)
                {
                    listen.UseConnectionHandler<Http1BlobHandler>();
                }
            });
        }
    }

    private async Task SaveCoverageAsync(string path, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.CoverageSaveInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                Coverage.SaveIfChanged(path);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops accepting, lets in-flight requests finish for up to <paramref name="cancellationToken"/>, then closes (and saves the coverage).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_quic is not null)
        {
            await _quic.DisposeAsync().ConfigureAwait(false);
            _quic = null;
        }

        foreach (var app in _apps)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        // The saver runs only when a coverage file is set: stop it and save once more.
        if (_coverageSaving is not null)
        {
            await _coverageSaving.CancelAsync().ConfigureAwait(false);
            await _coverageSaver.ConfigureAwait(false);
            _coverageSaving.Dispose();
            _coverageSaving = null;
            Coverage.SaveIfChanged(_options.CoverageFile!);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }

        foreach (var app in _apps)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _apps.Clear();

        _deadlines.Dispose();
        _metrics.Dispose();
    }
}
