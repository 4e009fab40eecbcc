using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.LinkEmulator;
using Tern.Transports.Fetch;

namespace Tern.BulkBench;

/// <summary>
/// The baseline: Tern's own HTTP/1.1 fetch door serving the same size of blob, fetched by an HttpClient through a
/// <see cref="TcpLink"/> of the same profile (the server being the link's target, so its downlink carries the blob).
/// </summary>
internal static class HttpBaseline
{
    /// <summary>Seconds to fetch <paramref name="size"/> bytes, or null when it did not finish within <paramref name="timeout"/>.</summary>
    public static async Task<double?> FetchAsync(LinkProfile profile, int size, TimeSpan timeout)
    {
        var directory = Directory.CreateTempSubdirectory("tern-bulk-http-").FullName;
        try
        {
            await using var store = await TransitStore.OpenAsync(BenchGateways.StoreOptions(directory));
            var bytes = new byte[size];
            new Random(99).NextBytes(bytes);
            var submitted = await store.SubmitAsync(
                new SubmissionRequest { Account = "a.example", Recipients = [new TransitRecipient("b.example", RecipientHash.NewRandom())], TransitExpiry = DateTimeOffset.UtcNow.AddHours(1) },
                new MemoryStream(bytes));
            var options = new FetchServerOptions();
            options.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, 0), tls: false) { HttpProtocols = HttpProtocols.Http1 });
            var server = new FetchServer(store, options, NullLoggerFactory.Instance);
            await server.StartAsync();
            try
            {
                await using var link = new TcpLink(profile) { Target = server.GetEndPoint(FetchDoor.Http, protocols: HttpProtocols.Http1) };
                using var client = new HttpClient { Timeout = timeout };
                var watch = Stopwatch.StartNew();
                try
                {
                    var body = await client.GetByteArrayAsync(new Uri($"http://{link.EndPoint}/v1/blobs/{submitted.Capabilities[0]}"));
                    return body.AsSpan().SequenceEqual(bytes) ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException("The fetched blob differs.");
                }
                catch (TaskCanceledException)
                {
                    return null;
                }
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
