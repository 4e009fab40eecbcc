using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// A real transit store in a temp directory and a real fetch server on loopback port 0 with every door: framed plain and
/// TLS, HTTP plain (HTTP/1.1 + h2c) and TLS (h2 by ALPN), and QUIC (which reports itself unavailable here).
/// </summary>
public sealed class FetchFixture : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private FetchFixture(TempDirectory directory, TransitStore store, FetchServer server, X509Certificate2 certificate, ListLoggerProvider logs)
    {
        _directory = directory;
        Store = store;
        Server = server;
        Certificate = certificate;
        Logs = logs;
    }

    public string Directory => _directory.Path;

    public TransitStore Store { get; }

    public FetchServer Server { get; }

    public X509Certificate2 Certificate { get; }

    public ListLoggerProvider Logs { get; }

    public IPEndPoint Framed => Server.GetEndPoint(FetchDoor.Framed);

    public IPEndPoint FramedTls => Server.GetEndPoint(FetchDoor.Framed, tls: true);

    public Uri Http => new($"http://127.0.0.1:{Server.GetEndPoint(FetchDoor.Http, protocols: HttpProtocols.Http1).Port}");

    public Uri H2c => new($"http://127.0.0.1:{Server.GetEndPoint(FetchDoor.Http, protocols: HttpProtocols.Http2).Port}");

    public Uri Https => new($"https://127.0.0.1:{Server.GetEndPoint(FetchDoor.Http, tls: true, HttpProtocols.Http1AndHttp2).Port}");

    /// <summary>HTTP/1.1 served by Kestrel's HTTP stack (<see cref="Http"/> is Tern's own HTTP/1.1 door).</summary>
    public Uri HttpKestrel => new($"http://127.0.0.1:{Bound(l => l.Door == FetchDoor.Http && !l.Tls && l.HttpProtocols == HttpProtocols.Http1 && l.Http1 == Http1Implementation.Kestrel).Port}");

    /// <summary>Tern's own HTTP/1.1 door over TLS.</summary>
    public Uri Https1 => new($"https://127.0.0.1:{Bound(l => l.Door == FetchDoor.Http && l.Tls && l.HttpProtocols == HttpProtocols.Http1).Port}");

    /// <summary>The HTTP/1.1 listener of <paramref name="implementation"/> in plain text.</summary>
    public Uri Http1Of(Http1Implementation implementation) => implementation == Http1Implementation.Tern ? Http : HttpKestrel;

    private IPEndPoint Bound(Func<FetchListener, bool> match) => Server.Listeners.First(match).BoundEndPoint!;

    public static async Task<FetchFixture> StartAsync(Action<FetchServerOptions>? configure = null, TimeProvider? time = null)
    {
        var directory = new TempDirectory("fetch");
        var store = await TransitStore.OpenAsync(StoreOptions(directory.Path), time);
        var certificate = FetchCertificates.CreateSelfSigned("node.a.example");
        var options = new FetchServerOptions { Certificate = certificate };
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        options.Listeners.Add(new FetchListener(FetchDoor.Framed, loopback, tls: false));
        options.Listeners.Add(new FetchListener(FetchDoor.Framed, loopback, tls: true));
        options.Listeners.Add(new FetchListener(FetchDoor.Http, loopback, tls: false) { HttpProtocols = HttpProtocols.Http1 });
        options.Listeners.Add(new FetchListener(FetchDoor.Http, loopback, tls: false) { HttpProtocols = HttpProtocols.Http2 });
        options.Listeners.Add(new FetchListener(FetchDoor.Http, loopback, tls: true));
        options.Listeners.Add(new FetchListener(FetchDoor.Http, loopback, tls: false) { HttpProtocols = HttpProtocols.Http1, Http1 = Http1Implementation.Kestrel });
        options.Listeners.Add(new FetchListener(FetchDoor.Http, loopback, tls: true) { HttpProtocols = HttpProtocols.Http1 });
        options.Listeners.Add(new FetchListener(FetchDoor.Quic, loopback, tls: true));
        configure?.Invoke(options);
        var logs = new ListLoggerProvider();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var server = new FetchServer(store, options, loggerFactory, time);
        await server.StartAsync();
        return new FetchFixture(directory, store, server, certificate, logs);
    }

    public static TransitStoreOptions StoreOptions(string directory) => new()
    {
        DataDirectory = directory,
        ChunkSize = 16 * 1024,
        BlobPageSizeBits = 18,
        BlobMemorySizeBits = 20,
        BlobSegmentSizeBits = 22,
        JournalPageSizeBits = 19,
        JournalMemorySizeBits = 21,
        JournalSegmentSizeBits = 22,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Submits <paramref name="content"/> for one recipient and returns the capability.</summary>
    public async Task<(FetchCapability Capability, SubmissionResult Result)> SubmitAsync(byte[] content, string mime = "message/tern", DateTimeOffset? expiry = null, string domain = "b.example", RecipientHash? hash = null)
    {
        var request = new SubmissionRequest
        {
            Account = "alice",
            Recipients = [new TransitRecipient(domain, hash ?? RecipientHash.NewRandom())],
            TransitExpiry = expiry ?? DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = mime,
        };
        var result = await Store.SubmitAsync(request, new MemoryStream(content, writable: false));
        return (result.Capabilities[0], result);
    }

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The payload hash (docs/PROTOCOL.md §4.8).</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> content) => PayloadTree.Hash(content);

    /// <summary>GETs bytes <paramref name="from"/>..<paramref name="to"/> of a blob and asserts a 206.</summary>
    public static async Task<byte[]> GetRangeAsync(HttpClient client, Uri baseUri, string cap, long from, long? to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/v1/blobs/" + cap)) { Headers = { Range = new RangeHeaderValue(from, to) } };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public DeliveryState StateOf(FetchCapability capability) => Store.GetDelivery(capability)!.Value.State;

    /// <summary>Waits (bounded) for the background §9 mark to reach the store; returns the final state.</summary>
    public async Task<DeliveryState> WaitForStateAsync(FetchCapability capability, DeliveryState wanted)
    {
        await Eventually.TrueAsync(() => StateOf(capability) == wanted);
        return StateOf(capability);
    }

    public HttpClient HttpClient(Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData) },
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public Tern.Transports.Fetch.Client.FramedFetchClientOptions FramedOptions(bool tls) => new()
    {
        Tls = tls,
        TargetHost = "node.a.example",
        CertificateValidation = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData),
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        Certificate.Dispose();
        _directory.Dispose();
    }
}
