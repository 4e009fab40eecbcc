using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tern.Load;

/// <summary>
/// The HTTP part of a C2S submit alone: the same client and request shape as <see cref="C2sLoad"/> against a Kestrel
/// minimal-API route that reads the body and answers 201 with a small JSON document, storing nothing. What the client
/// API costs above it is Tern's; bench/run-c2s.sh reports it beside the other two.
/// </summary>
internal static class HttpFloorLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(int seconds, int concurrency, int size)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapPost("/v1/messages", async (HttpRequest request) =>
        {
            var buffer = new byte[4096];
            while (await request.Body.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }

            return Results.Created("/v1/messages/x", new { messageId = "x", size = request.ContentLength });
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false }) { BaseAddress = new Uri(address) };
        var content = new byte[size];
        long acked = 0;
        var measuring = false;
        var stop = false;
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                while (!Volatile.Read(ref stop))
                {
                    using var body = new ByteArrayContent(content);
                    using var response = await http.PostAsync("/v1/messages?to=x", body).ConfigureAwait(false);
                    if (Volatile.Read(ref measuring) && response.StatusCode == HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref acked);
                    }
                }
            });
        }

        await Task.Delay(Warmup).ConfigureAwait(false);
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var count = Interlocked.Read(ref acked);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT requests={count} seconds={elapsed:F2} per_second={count / elapsed:F0} cpu_us_per_request={(count == 0 ? 0 : cpu.TotalMicroseconds / count):F1}"));
    }
}
