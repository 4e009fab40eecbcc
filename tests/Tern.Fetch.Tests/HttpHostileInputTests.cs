using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>Hostile HTTP on both HTTP/1.1 doors: a clear 4xx (or 505), never another 5xx or a crash, and the door keeps serving.</summary>
public sealed class HttpHostileInputTests
{
    private static readonly string[] Raw =
    [
        "GARBAGE\r\n\r\n",
        "GET /v1/blobs/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/%00%01%02 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\nRange: bytes=" + new string('9', 5000) + "-\r\n\r\n",
        "GET /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1,2-3,4-5,6-7\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 100_000) + "\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "DELETE /v1/blobs/" + new string('A', 43) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/x HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n",
        "GET /v1/blobs/x HTTP/1.1\nHost: x\n\n",
        "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/blobs/" + new string('A', 20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
    ];

    public static TheoryData<string, Http1Implementation> Requests()
    {
        var data = new TheoryData<string, Http1Implementation>();
        foreach (var raw in Raw)
        {
            data.Add(raw, Http1Implementation.Tern);
            data.Add(raw, Http1Implementation.Kestrel);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Hostile_request_gets_a_client_error_and_the_door_keeps_serving(string raw, Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var door = f.Http1Of(implementation);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, door.Port));

        await socket.SendAsync(Encoding.ASCII.GetBytes(raw));
        var answer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await socket.ReceiveAsync(answer, SocketFlags.None, cts.Token);
        var status = Encoding.ASCII.GetString(answer, 0, n);

        Assert.Matches("^HTTP/1.1 (4[0-9][0-9]|505) ", status);
        var content = FetchFixture.Bytes(100, 1);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient();
        Assert.Equal(content, await client.GetByteArrayAsync(new Uri(door, "/v1/blobs/" + cap)));
        Assert.DoesNotContain(f.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
