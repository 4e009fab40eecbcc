using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Keys;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.UserKeys;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;
using Tern.Transports.Fetch.Framed;
using Tern.Transports.Fetch.Http;
using Tern.Transports.Fetch.Http.Http1;
using Tern.Transports.Fetch.Quic;

namespace Tern.Transports.Fetch;

/// <summary>
/// What every fetch door over one <see cref="TransitStore"/> shares (docs/PROTOCOL.md §8): the §9 coverage, the blob
/// caches, the connection caps and deadlines, the counters. The doors themselves attach to any Kestrel listener through
/// <see cref="TernFetchListenOptionsExtensions"/> (as <c>UseHttps</c> does), so one Kestrel server may carry them beside
/// other listeners. <see cref="StartAsync"/> restores the saved coverage, <see cref="StopAsync"/> saves it; dispose once
/// the listeners are stopped.
/// </summary>
public sealed class FetchDoors : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly FetchMetrics _metrics;
    private readonly List<(FetchListener Listener, ListenOptions Kestrel)> _bound = [];
    private QuicFetchDoor? _quic;
    private CancellationTokenSource? _coverageSaving;
    private Task _coverageSaver = Task.CompletedTask;

    /// <summary>Creates the doors' shared state; nothing listens until a listener uses them.</summary>
    public FetchDoors(TransitStore store, FetchServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        Store = store;
        Options = options;
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = loggers.CreateLogger("Tern.Transports.Fetch");
        _time = timeProvider ?? TimeProvider.System;
        Coverage = new FetchCoverage(store, options.MaxTrackedPartialFetches, Logger);
        Reader = new BlobReader(store, options.MaxCachedBlobSize, options.BlobCacheBytes);
        var headers = new BlobHeaderCache(options.MaxCachedHeaders, _time);
        var body = new BlobBodyWriter(store, Reader, Coverage, Requests, options.ReadSize, Logger);
        Deadlines = new ConnectionDeadlines(options.MinResponseDataRate, Connections, Logger);
        Limiter = new ConnectionLimiter(options, Connections, Logger);
        Framed = new FramedFetchHandler(store, Reader, Coverage, options, Deadlines, loggers, Requests, UserKeyLookups);
        Http1 = new Http1BlobHandler(store, headers, body, new HttpDateField(_time), Deadlines, options, UserKeyLookups, Descriptor, Requests);
        Http = new HttpBlobDoor(store, headers, body, UserKeyLookups, Descriptor, Requests, _time);
        _metrics = new FetchMetrics(Connections);
    }

    /// <summary>Connections open over every door, refused at accept by the caps, and cut for reading too slowly.</summary>
    public FetchConnectionCounters Connections { get; } = new();

    /// <summary>Blob fetches answered by door and status, and blob bytes served by door.</summary>
    public FetchRequestCounters Requests { get; } = new();

    /// <summary>
    /// The user key bundles the doors serve to other domains (docs/PROTOCOL.md §14.4: HTTP
    /// <c>/v1/user-keys/{address_hash}</c>, framed <c>user_keys_request</c>). Null (the default) answers every lookup
    /// as not found.
    /// </summary>
    public IUserKeyLookup? UserKeys
    {
        get => UserKeyLookups.Lookup;
        set => UserKeyLookups.Lookup = value;
    }

    internal UserKeyDoor UserKeyLookups { get; } = new();

    /// <summary>
    /// Serves <paramref name="signedDocument"/> (the domain's signed descriptor, docs/PROTOCOL.md §6.2) at
    /// <c>GET /.well-known/tern</c> on the HTTP doors from now on, in place of the one before, until
    /// <paramref name="expiresAt"/>; responses allow caching for <paramref name="maxAge"/> at most, never past
    /// <paramref name="expiresAt"/>. Until the first call the path answers 404.
    /// </summary>
    public void PublishDescriptor(ReadOnlyMemory<byte> signedDocument, DateTimeOffset expiresAt, TimeSpan maxAge) =>
        Descriptor.Publish(signedDocument, expiresAt, maxAge);

    internal WellKnown.WellKnownDoor Descriptor { get; } = new();

    /// <summary>The §9 tracker shared by every door.</summary>
    public FetchCoverage Coverage { get; }

    /// <summary>The options every door reads.</summary>
    public FetchServerOptions Options { get; }

    internal TransitStore Store { get; }

    internal ILogger Logger { get; }

    internal BlobReader Reader { get; }

    internal ConnectionDeadlines Deadlines { get; }

    internal ConnectionLimiter Limiter { get; }

    internal FramedFetchHandler Framed { get; }

    internal Http1BlobHandler Http1 { get; }

    internal HttpBlobDoor Http { get; }

    /// <summary>
    /// The HTTP blob door as a terminal request delegate, for listeners served by Kestrel's HTTP stack (HTTP/2, or
    /// Kestrel's HTTP/1.1): see <see cref="TernFetchListenOptionsExtensions.UseTernKestrelHttpDoor(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions, FetchDoors, bool, HttpProtocols)"/>.
    /// </summary>
    public RequestDelegate HandleHttpAsync => Http.HandleAsync;

    /// <summary>Sets Kestrel's own HTTP timeouts and response rate to the doors' (which run without Kestrel's HTTP stack).</summary>
    public void ConfigureKestrelLimits(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);

        // The connection caps are the limiter on every listener, not Kestrel's MaxConcurrentConnections, which would
        // count each Kestrel server apart, know no source, and refuse ahead of the limiter's counters.
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxResponseBufferSize = Options.MaxConnectionOutputBuffer;
        kestrel.Limits.KeepAliveTimeout = Options.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = Options.RequestHeadersTimeout;
        kestrel.Limits.MinResponseDataRate = Options.MinResponseDataRate;
    }

    /// <summary>Remembers the Kestrel listener of <paramref name="listener"/>, whose bound address <see cref="ListenersStarted"/> reads back.</summary>
    internal void Track(FetchListener listener, ListenOptions kestrel)
    {
        lock (_bound)
        {
            _bound.Add((listener, kestrel));
        }
    }

    /// <summary>
    /// Call once the Kestrel server carrying the doors has started: sets each door listener's
    /// <see cref="FetchListener.BoundEndPoint"/> (port 0 resolved) and logs it.
    /// </summary>
    public void ListenersStarted()
    {
        FetchLogMessages.SocketCompletionMode(Logger, SocketCompletions.IsInline ? "inline on the event thread" : "on the thread pool", SocketCompletions.InlineVariable,
            Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));
        lock (_bound)
        {
            foreach (var (listener, kestrel) in _bound)
            {
                listener.BoundEndPoint = kestrel.IPEndPoint;
                FetchLogMessages.Listening(Logger, listener.ToString());
            }
        }
    }

    /// <summary>Restores the saved coverage (when <see cref="FetchServerOptions.CoverageFile"/> is set) and starts saving it; call before the listeners start.</summary>
    public async Task StartAsync()
    {
        if (Options.CoverageFile is { } coverageFile && _coverageSaving is null)
        {
            await Coverage.RestoreAsync(coverageFile).ConfigureAwait(false);
            _coverageSaving = new CancellationTokenSource();
            _coverageSaver = SaveCoverageAsync(coverageFile, _coverageSaving.Token);
        }
    }

    /// <summary>Starts the QUIC door on <paramref name="listener"/> (System.Net.Quic, not Kestrel); false where libmsquic is missing.</summary>
    public async Task<bool> StartQuicAsync(FetchListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _quic ??= new QuicFetchDoor(Store, Reader, Coverage, Requests, Options, Limiter, Logger);
        return await _quic.StartAsync(listener, Options.Certificate!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the QUIC door and the coverage saver, then saves the coverage once more; call once the listeners are stopped.</summary>
    public async Task StopAsync()
    {
        if (_quic is not null)
        {
            await _quic.DisposeAsync().ConfigureAwait(false);
            _quic = null;
        }

        if (_coverageSaving is not null)
        {
            await _coverageSaving.CancelAsync().ConfigureAwait(false);
            await _coverageSaver.ConfigureAwait(false);
            _coverageSaving.Dispose();
            _coverageSaving = null;
            Coverage.SaveIfChanged(Options.CoverageFile!);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Deadlines.Dispose();
        _metrics.Dispose();
    }

    private async Task SaveCoverageAsync(string path, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Options.CoverageSaveInterval, _time);
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
}
