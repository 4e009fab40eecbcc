using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Transports.Fetch;

/// <summary>Options of the fetch server: its listeners, its certificate and the limits of each door.</summary>
public sealed class FetchServerOptions
{
    /// <summary>Where each door listens. Defaults to none: a server without listeners refuses to start.</summary>
    public IList<FetchListener> Listeners { get; } = [];

    /// <summary>The node's certificate for TLS listeners and QUIC. Required when any listener uses TLS.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Allows plain-text listeners off loopback. Defaults to false: the protocol permits plain TCP on loopback only
    /// (docs/PROTOCOL.md §8.2).
    /// </summary>
    public bool AllowPlainTextOffLoopback { get; set; }

    /// <summary>Concurrent fetches one framed connection may have open; one more is a <c>too_many_streams</c> goaway. Defaults to 128.</summary>
    public int MaxStreamsPerConnection { get; set; } = 128;

    /// <summary>
    /// Largest frame payload accepted from clients, 257 bytes to 64 KiB. Every frame a client may send in v1 fits in
    /// 257 bytes (a goaway with the longest reason), so anything longer is refused as <c>frame_too_large</c> before it is
    /// buffered. Defaults to 4 KiB.
    /// </summary>
    public int MaxFramePayload { get; set; } = 4096;

    /// <summary>Bytes of a <c>data</c> frame, at most 64 KiB (§8.3). Defaults to 64 KiB.</summary>
    public int DataFrameSize { get; set; } = FrameLimits.MaxDataPayloadSize;

    /// <summary>Output a framed connection may buffer before it waits for the socket (pipe pause threshold). Defaults to 1 MiB.</summary>
    public long MaxConnectionOutputBuffer { get; set; } = 1024 * 1024;

    /// <summary>Bytes read from the store per write on the HTTP and QUIC doors. Defaults to 256 KiB (the store's chunk size).</summary>
    public int ReadSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Partially served capabilities remembered for §9 coverage (a capability served whole in one response needs
    /// no entry). Defaults to 100 000; beyond it new partial fetches are not tracked.
    /// </summary>
    public int MaxTrackedPartialFetches { get; set; } = 100_000;

    /// <summary>
    /// Where the partial coverage is saved, so that a restart keeps the ranges fetchers already have (a fetcher
    /// resuming a large blob over a slow link then asks only for the rest). Restored at start, saved every
    /// <see cref="CoverageSaveInterval"/> when it changed and at stop. Defaults to null: kept in memory only.
    /// </summary>
    public string? CoverageFile { get; set; }

    /// <summary>How often changed coverage is saved to <see cref="CoverageFile"/>. Defaults to 10 s: what a crash can lose.</summary>
    public TimeSpan CoverageSaveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs the pipe continuations of Kestrel's HTTP stack (HTTP/2 listeners and Kestrel's HTTP/1.1) inline on the
    /// socket threads instead of on the thread pool (Kestrel's <c>UnsafePreferInlineScheduling</c>). Defaults to false:
    /// on one core it cut h2c throughput to about half, as Kestrel's HTTP/2 frame writer stops batching.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>
    /// The same for the doors Tern drives itself (framed, Tern's HTTP/1.1), which run on a Kestrel server of their own.
    /// Safe because their connection code never blocks (store reads are asynchronous, the index lock covers a lookup).
    /// Defaults to true: a response then reaches the socket without a thread switch.
    /// </summary>
    public bool InlineDirectDoors { get; set; } = true;

    /// <summary>
    /// A framed connection's writer, when idle, serves a fetch on the thread that read its request (the socket thread
    /// under <see cref="InlineDirectDoors"/>) instead of being woken on the thread pool: one thread switch less per
    /// request, 0.04 ms of a small fetch's round trip on a 2-core machine. Safe for the reason inline scheduling is: the
    /// writer never blocks (a chunk the page cache lacks is read on the pool). Defaults to true.
    /// </summary>
    public bool FramedWriterInline { get; set; } = true;

    /// <summary>Blobs up to this size are kept in the small-blob cache after their first read. Defaults to 64 KiB; 0 disables it.</summary>
    public int MaxCachedBlobSize { get; set; } = 64 * 1024;

    /// <summary>Bytes the small-blob cache may hold; when spent it is cleared and refills. Defaults to 64 MiB; 0 disables it.</summary>
    public long BlobCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Capabilities whose HTTP header strings (ETag, Expires, Cache-Control) are kept ready. Defaults to 100 000.</summary>
    public int MaxCachedHeaders { get; set; } = 100_000;

    /// <summary>Largest request head (request line and headers) Tern's HTTP/1.1 door reads; a longer one gets 431. Defaults to 8 KiB.</summary>
    public int MaxRequestHeadersSize { get; set; } = 8 * 1024;

    /// <summary>Largest request body Tern's HTTP/1.1 door reads and discards (a GET has no use for one); a larger one gets 413. Defaults to 64 KiB.</summary>
    public int MaxDiscardedRequestBody { get; set; } = 64 * 1024;

    /// <summary>
    /// On the doors Tern drives itself (framed, Tern's HTTP/1.1): how long a connection with nothing in progress (no
    /// request being read or answered, no fetch open) stays open. Framed clients that keep an idle connection ping
    /// within it. Responses themselves are not timed, so a slow link can drain a large blob. Defaults to 130 s
    /// (Kestrel's keep-alive timeout).
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>
    /// On the doors Tern drives itself: how long an HTTP/1.1 request head, or a framed connection's preface, may take to
    /// arrive in full from its first byte (from the connection's start for the preface). Defaults to 30 s.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connections open at once over every door of the server (TCP and QUIC, idle keep-alives included). One more is
    /// closed as soon as it is accepted, before any TLS handshake and without an answer. Bounds the sockets and, with
    /// <see cref="MaxConnectionOutputBuffer"/>, the output a server can be made to hold (4096 × 1 MiB by default).
    /// Defaults to 4096.
    /// </summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>
    /// Connections open at once from one source: one IPv4 address, or one IPv6 /64 (a host usually holds a whole /64,
    /// so counting single IPv6 addresses would bound nothing). Closed at accept like <see cref="MaxConnections"/>.
    /// Defaults to 64: a pulling node opens one per concurrent pull (16 by default), and several may share a NAT.
    /// </summary>
    public int MaxConnectionsPerSource { get; set; } = 64;

    /// <summary>
    /// The slowest a client may take a response, as Kestrel's <see cref="KestrelServerLimits.MinResponseDataRate"/>,
    /// which it also sets for Kestrel's HTTP doors: each write allows its bytes at this rate, writes add up, and a
    /// single write never gets less than the grace period. A connection whose write is still waiting for the socket
    /// past that is aborted (with a reset on Tern's doors, so the kernel drops its send queue too). A client that stops
    /// reading is therefore cut once the grace period and the time for what was already buffered for it at this rate
    /// have passed: at the defaults, with <see cref="MaxConnectionOutputBuffer"/> of 1 MiB, about 17 minutes. Null
    /// turns it off. Defaults to 1 KiB/s with a 5 s grace period (Kestrel's default is 240 bytes/s).
    /// </summary>
    public MinDataRate? MinResponseDataRate { get; set; } = new(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));

    /// <summary>The signed descriptor document (§6.2) answered to <c>descriptor_request</c>; none by default.</summary>
    public ReadOnlyMemory<byte> DescriptorDocument { get; set; }

    /// <summary>Throws when the options cannot work; the message names the setting.</summary>
    public void Validate()
    {
        if (Listeners.Count == 0)
        {
            throw new InvalidOperationException("FetchServerOptions.Listeners is empty: configure at least one door.");
        }

        foreach (var listener in Listeners)
        {
            var tls = listener.Tls || listener.Door == FetchDoor.Quic;
            if (tls && Certificate is null)
            {
                throw new InvalidOperationException($"Listener {listener} needs TLS but FetchServerOptions.Certificate is not set.");
            }

            if (!tls && !AllowPlainTextOffLoopback && !System.Net.IPAddress.IsLoopback(listener.EndPoint.Address))
            {
                throw new InvalidOperationException($"Listener {listener} is plain text off loopback; use TLS or set AllowPlainTextOffLoopback.");
            }
        }

        if (MaxStreamsPerConnection is < 1 or > 65536)
        {
            throw new InvalidOperationException($"FetchServerOptions.MaxStreamsPerConnection must be 1–65536, got {MaxStreamsPerConnection}.");
        }

        if (MaxFramePayload is < FrameLimits.MaxControlPayloadSize or > FrameLimits.MaxDataPayloadSize)
        {
            throw new InvalidOperationException($"FetchServerOptions.MaxFramePayload must be {FrameLimits.MaxControlPayloadSize}–{FrameLimits.MaxDataPayloadSize}, got {MaxFramePayload}.");
        }

        if (DataFrameSize is < 1 or > FrameLimits.MaxDataPayloadSize)
        {
            throw new InvalidOperationException($"FetchServerOptions.DataFrameSize must be 1–{FrameLimits.MaxDataPayloadSize}, got {DataFrameSize}.");
        }

        if (ReadSize < 4096 || MaxConnectionOutputBuffer < 65536 || MaxTrackedPartialFetches < 0 || MaxCachedHeaders < 1 || MaxCachedBlobSize < 0 || BlobCacheBytes < 0)
        {
            throw new InvalidOperationException("FetchServerOptions: ReadSize must be ≥ 4096, MaxConnectionOutputBuffer ≥ 65536, MaxTrackedPartialFetches ≥ 0 and MaxCachedHeaders ≥ 1.");
        }

        if (CoverageSaveInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidOperationException("FetchServerOptions: CoverageSaveInterval must be at least 100 ms.");
        }

        if (MaxRequestHeadersSize is < 1024 or > 1024 * 1024 || MaxDiscardedRequestBody < 0)
        {
            throw new InvalidOperationException($"FetchServerOptions.MaxRequestHeadersSize must be 1 KiB–1 MiB (got {MaxRequestHeadersSize}) and MaxDiscardedRequestBody ≥ 0 (got {MaxDiscardedRequestBody}).");
        }

        if (KeepAliveTimeout < TimeSpan.FromSeconds(1) || RequestHeadersTimeout < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("FetchServerOptions.KeepAliveTimeout and RequestHeadersTimeout must be at least 1 s.");
        }

        if (MaxConnections < 1 || MaxConnectionsPerSource < 1)
        {
            throw new InvalidOperationException($"FetchServerOptions.MaxConnections and MaxConnectionsPerSource must be ≥ 1, got {MaxConnections} and {MaxConnectionsPerSource}.");
        }

        if (DescriptorDocument.Length > FrameLimits.MaxDescriptorPayloadSize)
        {
            throw new InvalidOperationException($"FetchServerOptions.DescriptorDocument exceeds {FrameLimits.MaxDescriptorPayloadSize} bytes.");
        }
    }
}
