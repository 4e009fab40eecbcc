using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Load.Nodes;

namespace Tern.Load;

/// <summary>
/// The HTTP part of a C2S submit alone: the same client (wrk, bench/c2s-post.lua) and requests as <see cref="C2sLoad"/>
/// against a Kestrel minimal-API route in its own process that reads the body and answers 201 with a small JSON
/// document, storing nothing. What a node's submit costs above it is Tern's; bench/run-c2s.sh reports it beside the others.
/// </summary>
internal static class HttpFloorLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    /// <summary>Starts <c>http-floor-serve</c> as a child process of this tool and loads it with wrk.</summary>
    public static async Task RunAsync(string directory, int seconds, int concurrency, int size, string script)
    {
        Directory.CreateDirectory(directory);
        var portFile = Path.Combine(directory, "floor.port");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var argument in new[] { typeof(HttpFloorLoad).Assembly.Location, "http-floor-serve", portFile })
        {
            start.ArgumentList.Add(argument);
        }

        using var server = Process.Start(start)!;
        try
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
            {
                if (server.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("the HTTP floor's server did not start");
                }

                await Task.Delay(50).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var idle = ProcStat.Rss(server.Id).Now;
            var url = $"{File.ReadAllText(portFile).Trim()}/v1/messages?to=x";
            var result = await WrkLoad.RunAsync(server.Id, url, script, concurrency, size, token: null, Warmup, seconds).ConfigureAwait(false);
            var (loaded, _) = ProcStat.Rss(server.Id);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {result.Format()} rss_idle_mb={idle:F0} rss_loaded_mb={loaded:F0}"));
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
                await server.WaitForExitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The floor's server: serves until killed; its address goes to <paramref name="portFile"/> once it listens.</summary>
    public static async Task ServeAsync(string portFile)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
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
        File.WriteAllText(portFile + ".tmp", address);
        File.Move(portFile + ".tmp", portFile);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
    }
}
