using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// A slow link must be able to drain a large blob: the doors' keep-alive deadline times idle connections, never a
/// response in progress, so a reader far slower than the deadline still gets every byte.
/// </summary>
public sealed class SlowReaderTests
{
    private const int BlobSize = 3_000_000;

    [Fact]
    public async Task A_slow_http_reader_gets_the_whole_blob_past_the_keep_alive_deadline()
    {
        await using var f = await FetchFixture.StartAsync(o => o.KeepAliveTimeout = TimeSpan.FromSeconds(1));
        var content = FetchFixture.Bytes(BlobSize, 21);
        var (cap, _) = await f.SubmitAsync(content);
        using var socket = await ConnectSlowAsync(f.Http.Port);

        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: a\r\n\r\n"));
        var received = await ReadSlowlyAsync(socket, bytes => bytes.Count > BlobSize && IndexOfBody(bytes) is var body && body > 0 && bytes.Count - body >= BlobSize);

        var start = IndexOfBody(received);
        Assert.StartsWith("HTTP/1.1 200 OK", Encoding.ASCII.GetString([.. received.Take(20)]), StringComparison.Ordinal);
        Assert.Equal(content, received.Skip(start).ToArray());
    }

    [Fact]
    public async Task A_slow_framed_reader_gets_the_whole_blob_past_the_keep_alive_deadline()
    {
        await using var f = await FetchFixture.StartAsync(o => o.KeepAliveTimeout = TimeSpan.FromSeconds(1));
        var content = FetchFixture.Bytes(BlobSize, 22);
        var (cap, _) = await f.SubmitAsync(content);
        using var socket = await ConnectSlowAsync(f.Framed.Port);
        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);

        byte[] request = [.. RawFramedConnection.Preface(), .. RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0, fetch)];
        await socket.SendAsync(request);
        var received = await ReadSlowlyAsync(socket, bytes => DataBytes(bytes).Length >= BlobSize);

        Assert.Equal(content, DataBytes(received));
    }

    private static async Task<Socket> ConnectSlowAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>Reads at most 32 KiB every 50 ms (about 640 KB/s: 3 MB take several keep-alive deadlines) until done.</summary>
    private static async Task<List<byte>> ReadSlowlyAsync(Socket socket, Func<List<byte>, bool> done)
    {
        var received = new List<byte>();
        var buffer = new byte[32 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done(received))
        {
            // The pause is the behaviour under test (a reader slower than the keep-alive deadline), not a synchronisation.
            await Task.Delay(50, timeout.Token);
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"the server closed the connection after {received.Count} bytes");
            received.AddRange(buffer.AsSpan(0, n));
        }

        return received;
    }

    private static int IndexOfBody(List<byte> bytes)
    {
        for (var i = 0; i + 3 < Math.Min(bytes.Count, 4096); i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i + 4;
            }
        }

        return -1;
    }

    private static byte[] DataBytes(List<byte> bytes) =>
        bytes.Count < FramePreface.Size ? [] : [.. RawFramedConnection.Frames([.. bytes]).Where(frame => frame.Header.Type == FrameType.Data).SelectMany(frame => frame.Payload)];
}
