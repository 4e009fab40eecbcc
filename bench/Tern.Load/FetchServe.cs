using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;

namespace Tern.Load;

/// <summary>
/// The Tern side of bench/run-fetch.sh: a transit store with <c>count</c> blobs of <c>size</c> bytes and one blob of
/// <c>bigMiB</c> MiB, served by the fetch doors on fixed loopback ports (Tern's HTTP/1.1, h2c, framed, and Kestrel's
/// HTTP/1.1 when its port is not 0). The same bytes are
/// written as files under <c>www/v1/blobs/&lt;capability&gt;</c> for nginx, so both servers answer the same URLs.
/// With <see cref="TlsPorts"/>, the same doors over TLS too (HTTPS/1.1, h2 by ALPN, framed with ALPN <c>tern/1</c>), on the
/// certificate and key nginx is given. Runs until SIGTERM.
/// </summary>
internal static class FetchServe
{
    /// <summary>The TLS listeners: HTTP/1.1, HTTP/2 and framed ports, and the PEM certificate and key to serve.</summary>
    public sealed record TlsPorts(int Https, int H2, int Framed, string CertificatePem, string KeyPem);

    public static async Task RunAsync(string directory, int count, int size, int bigMiB, int httpPort, int h2cPort, int framedPort, int kestrelHttpPort, TlsPorts? tls = null)
    {
        var www = Path.Combine(directory, "www", "v1", "blobs");
        Directory.CreateDirectory(www);
        var options = new TransitStoreOptions { DataDirectory = directory, CheckpointInterval = TimeSpan.FromMinutes(10) };
        await using var store = await TransitStore.OpenAsync(options);
        var recipients = new[] { new TransitRecipient("example.org", RecipientHash.NewRandom()) };
        var expiry = DateTimeOffset.UtcNow.AddDays(1);
        var random = new Random(1);
        var caps = new List<string>(count);
        var content = new byte[size];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(content);
            var result = await store.SubmitAsync(new SubmissionRequest { Account = "bench", Recipients = recipients, TransitExpiry = expiry }, new MemoryStream(content, writable: false));
            var cap = result.Capabilities[0].ToString();
            await File.WriteAllBytesAsync(Path.Combine(www, cap), content);
            caps.Add(cap);
        }

        await File.WriteAllLinesAsync(Path.Combine(directory, "caps.txt"), caps);
        if (bigMiB > 0)
        {
            var big = Path.Combine(directory, "big.bin");
            var block = new byte[1 << 20];
            random.NextBytes(block);
            await using (var file = File.Create(big))
            {
                for (var i = 0; i < bigMiB; i++)
                {
                    await file.WriteAsync(block);
                }
            }

            SubmissionResult result;
            await using (var file = File.OpenRead(big))
            {
                result = await store.SubmitAsync(new SubmissionRequest { Account = "bench", Recipients = recipients, TransitExpiry = expiry }, file);
            }

            var cap = result.Capabilities[0].ToString();
            File.Move(big, Path.Combine(www, cap));
            await File.WriteAllTextAsync(Path.Combine(directory, "big.txt"), cap + "\n");
        }

        var serverOptions = new FetchServerOptions
        {
            InlineScheduling = Environment.GetEnvironmentVariable("TERN_FETCH_INLINE") == "1",

            // Every load generator here connects from 127.0.0.1 (wrk with FETCH_CONNECTIONS, 64 by default, h2load, curl),
            // and a run may open its connections while the last run's are still closing: only the total cap applies.
            MaxConnectionsPerSource = 4096,
        };
        serverOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, httpPort), tls: false)
        {
            HttpProtocols = HttpProtocols.Http1,
        });
        serverOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, h2cPort), tls: false) { HttpProtocols = HttpProtocols.Http2 });
        serverOptions.Listeners.Add(new FetchListener(FetchDoor.Framed, new IPEndPoint(IPAddress.Loopback, framedPort), tls: false));
        if (kestrelHttpPort > 0)
        {
            // Kestrel's own HTTP/1.1 stack with the same blob door, for comparison with Tern's HTTP/1.1 door.
            serverOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, kestrelHttpPort), tls: false)
            {
                HttpProtocols = HttpProtocols.Http1,
                Http1 = Http1Implementation.Kestrel,
            });
        }
        if (tls is not null)
        {
            // Loaded from PEM as nginx loads it; exported and re-imported so the key is usable by SslStream on Linux.
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertificatePem, tls.KeyPem);
            serverOptions.Certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            serverOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, tls.Https), tls: true) { HttpProtocols = HttpProtocols.Http1 });
            serverOptions.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, tls.H2), tls: true) { HttpProtocols = HttpProtocols.Http2 });
            serverOptions.Listeners.Add(new FetchListener(FetchDoor.Framed, new IPEndPoint(IPAddress.Loopback, tls.Framed), tls: true));
        }

        await using var server = new FetchServer(store, serverOptions);
        await server.StartAsync();
        var stop = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY blobs={count} size={size} big_mib={bigMiB}"));
        await stop.Task;
    }
}
