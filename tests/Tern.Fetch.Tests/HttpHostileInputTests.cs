using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tern.Fetch.Tests;

/// <summary>Hostile HTTP on the blob door: a clear 4xx, never a 5xx or a crash, and the door keeps serving.</summary>
public sealed class HttpHostileInputTests
{
    public static TheoryData<string> Requests() => new()
    {
        "GARBAGE\r\n\r\n",
        "GET /v1/blobs/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/%00%01%02 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\nRange: bytes=" + new string('9', 5000) + "-\r\n\r\n",
        "GET /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1,2-3,4-5,6-7\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 100_000) + "\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "DELETE /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/x HTTP/9.9\r\nHost: x\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Hostile_request_gets_a_client_error_and_the_door_keeps_serving(string raw)
    {
        await using var f = await FetchFixture.StartAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, f.Http.Port));

        await socket.SendAsync(Encoding.ASCII.GetBytes(raw));
        var answer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await socket.ReceiveAsync(answer, SocketFlags.None, cts.Token);
        var status = Encoding.ASCII.GetString(answer, 0, n);

        Assert.Matches("^HTTP/1.1 (4[0-9][0-9]|505) ", status);
        var content = FetchFixture.Bytes(100, 1);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient();
        Assert.Equal(content, await client.GetByteArrayAsync(new Uri(f.Http, "/v1/blobs/" + cap)));
        Assert.DoesNotContain(f.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
