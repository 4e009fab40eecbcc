using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Transports.Fetch;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// A client that asks for a large blob and stops reading is cut once the minimum response data rate
/// (<see cref="FetchServerOptions.MinResponseDataRate"/>) says so, on both HTTP/1.1 doors and the framed door, and its
/// buffers go with the connection; a client reading normally gets the same blob whole under the same rate.
/// </summary>
public sealed class StalledReaderTests
{
    // Far more than a stalled connection can hold: the server's output pipe (64 KiB here) and the kernel's socket
    // buffers of a reader with a 64 KiB receive buffer that never reads (3–4 MB on loopback, measured).
    private const int BlobSize = 8_000_000;

    // 4 MB/s, 1.5 s of grace (Kestrel takes no less than a second). A stalled reader is due once the grace period and
    // the time for what the buffers took before it stalled have passed (another 0.5–1 s); the sweep (Tern's doors) and
    // Kestrel's heartbeat look once a second. Cut after 2.5–4.1 s on this machine under a load average of 35.
    private static readonly MinDataRate Rate = new(4_000_000, TimeSpan.FromSeconds(1.5));

    // Grace + buffered bytes at the rate + one sweep + slack.
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(6);

    public enum Door
    {
        TernHttp1,
        KestrelHttp1,
        Framed,
    }

    [Theory]
    [InlineData(Door.TernHttp1)]
    [InlineData(Door.KestrelHttp1)]
    [InlineData(Door.Framed)]
    public async Task A_reader_that_never_reads_is_cut_and_a_normal_reader_gets_the_blob(Door door)
    {
        await using var f = await FetchFixture.StartAsync(o =>
        {
            o.MinResponseDataRate = Rate;
            o.MaxConnectionOutputBuffer = 64 * 1024;
        });
        var content = FetchFixture.Bytes(BlobSize, 31);
        var (cap, _) = await f.SubmitAsync(content);

        using var stalled = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
        await stalled.ConnectAsync(EndPointOf(f, door));
        var stalledAt = Stopwatch.StartNew();
        await stalled.SendAsync(Request(door, cap));

        // Meanwhile a normal reader of the same blob, on another connection, under the same rate.
        Assert.Equal(content, await FetchNormallyAsync(f, door, cap));

        // Not one byte read until the stall has lasted long enough to be cut (Tern's doors say when they cut it; Kestrel's
        // door is given the whole time); then read what the connection still gives.
        var left = Stall - stalledAt.Elapsed;
        await Eventually.TrueAsync(() => f.Server.Connections.TooSlow > 0, left > TimeSpan.Zero ? left : TimeSpan.Zero);

        var received = await ReadUntilClosedAsync(stalled);

        Assert.True(received < BlobSize, $"the stalled connection was not cut within {Stall.TotalSeconds} s: it still delivered {received} bytes");
        if (door != Door.KestrelHttp1)
        {
            // Kestrel counts and logs its own; Tern's doors count theirs.
            Assert.Equal(1, f.Server.Connections.TooSlow);
        }
    }

    private static IPEndPoint EndPointOf(FetchFixture f, Door door) => door switch
    {
        Door.TernHttp1 => new IPEndPoint(IPAddress.Loopback, f.Http.Port),
        Door.KestrelHttp1 => new IPEndPoint(IPAddress.Loopback, f.HttpKestrel.Port),
        _ => f.Framed,
    };

    private static byte[] Request(Door door, FetchCapability cap)
    {
        if (door != Door.Framed)
        {
            return Encoding.ASCII.GetBytes($"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: a\r\n\r\n");
        }

        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);
        return [.. RawFramedConnection.Preface(), .. RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0, fetch)];
    }

    private static async Task<byte[]> FetchNormallyAsync(FetchFixture f, Door door, FetchCapability cap)
    {
        if (door == Door.Framed)
        {
            await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));
            var body = new MemoryStream();
            Assert.Equal(MetaStatus.Ok, (await client.FetchAsync(cap, body)).Status);
            return body.ToArray();
        }

        using var http = f.HttpClient();
        var uri = new Uri(door == Door.TernHttp1 ? f.Http : f.HttpKestrel, "/v1/blobs/" + cap);
        return await http.GetByteArrayAsync(uri);
    }

    /// <summary>Reads as fast as it can until the server's end closes or resets; returns the byte count (bounded wait).</summary>
    private static async Task<long> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[256 * 1024];
        long total = 0;
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException)
        {
            // Reset: Tern's doors end a stalled connection abortively, so the kernel drops what it still queued.
        }
        catch (OperationCanceledException)
        {
            // Still open (an HTTP connection kept alive after the whole body): the count says it was not cut.
        }

        return total;
    }
}
