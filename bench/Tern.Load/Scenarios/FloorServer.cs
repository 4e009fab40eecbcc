using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tern.Load.Scenarios;

/// <summary>
/// The baseline the scenarios run beside the nodes, in a process of its own so that its CPU is read as a node's is: the
/// same surfaces with nothing behind them. Kestrel on loopback: <c>GET /blob</c> answers a blob of the scenario's size
/// from memory, <c>POST /v1/messages</c> reads the body and answers 201 with a small JSON, <c>GET /v1/references</c>
/// answers an empty poll's JSON; a UDP socket counts the datagrams it receives (<c>GET /udp</c> says how many). No
/// storage, no cryptography, no index.
/// </summary>
internal static class FloorServer
{
    /// <summary>Serves until killed; writes <c>http udp</c> (two <c>address:port</c>) to <paramref name="portFile"/> once listening.</summary>
    public static async Task ServeAsync(string portFile, int blobBytes)
    {
        var blob = new byte[blobBytes];
        new Random(18).NextBytes(blob);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        long datagrams = 0;
        var receiver = new Thread(() => CountDatagrams(udp, ref datagrams)) { IsBackground = true, Name = "floor udp" };
        receiver.Start();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        await using var app = builder.Build();
        app.MapGet("/blob", () => Results.Bytes(blob, "application/octet-stream"));
        app.MapPost("/v1/messages", async (HttpRequest request) =>
        {
            var buffer = new byte[16 * 1024];
            while (await request.Body.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }

            return Results.Text("{\"messageId\":\"x\",\"size\":" + (request.ContentLength ?? 0).ToString(CultureInfo.InvariantCulture) + "}", "application/json", statusCode: 201);
        });
        app.MapGet("/v1/references", () => Results.Text("{\"hash\":null,\"next\":\"0\",\"more\":false,\"references\":[]}", "application/json"));
        app.MapGet("/udp", () => Results.Text(Interlocked.Read(ref datagrams).ToString(CultureInfo.InvariantCulture)));
        await app.StartAsync().ConfigureAwait(false);
        var http = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        File.WriteAllText(portFile + ".tmp", $"{http} {udp.LocalEndPoint}");
        File.Move(portFile + ".tmp", portFile);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
    }

    private static void CountDatagrams(Socket udp, ref long datagrams)
    {
        var buffer = new byte[2048];
        while (true)
        {
            try
            {
                udp.Receive(buffer);
                Interlocked.Increment(ref datagrams);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
