using Tern.Engine.Protocol;

namespace Tern.Fetch.Tests;

/// <summary>
/// Tern's own HTTP/1.1 door beyond what HttpClient exercises: pipelining, persistence rules, heads split across
/// reads, discarded bodies, limits and the idle and request-head deadlines.
/// </summary>
public sealed class Http1DoorTests
{
    private static string Get(FetchCapability cap, string extra = "") => $"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: a.example\r\n{extra}\r\n";

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_on_one_connection()
    {
        await using var f = await FetchFixture.StartAsync();
        var blobs = new List<(FetchCapability Cap, byte[] Content)>();
        for (var i = 0; i < 20; i++)
        {
            var content = FetchFixture.Bytes(100 + (i * 997), 100 + i);
            blobs.Add(((await f.SubmitAsync(content)).Capability, content));
        }

        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);
        await client.SendAsync(string.Concat(blobs.Select(b => Get(b.Cap))) + $"HEAD /v1/blobs/{blobs[0].Cap} HTTP/1.1\r\nHost: a\r\n\r\n" + Get(FetchCapability.NewRandom()));

        foreach (var (_, content) in blobs)
        {
            var response = await client.ReadResponseAsync();
            Assert.Equal(200, response.Status);
            Assert.Equal(content, response.Body);
        }

        var head = await client.ReadResponseAsync(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal(blobs[0].Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Headers["content-length"]);
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_head_split_into_single_bytes_is_reassembled()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(3000, 1);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);

        foreach (var b in System.Text.Encoding.ASCII.GetBytes(Get(cap, "Range: bytes=10-19\r\n")))
        {
            await client.SendAsync([b]);
        }

        var response = await client.ReadResponseAsync();
        Assert.Equal(206, response.Status);
        Assert.Equal(content[10..20], response.Body);
        Assert.Equal("bytes 10-19/3000", response.Headers["content-range"]);
    }

    [Fact]
    public async Task Connection_close_and_http10_close_after_the_response_and_http10_keep_alive_stays()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 2));

        using (var client = await RawHttp1Client.ConnectAsync(f.Http.Port))
        {
            await client.SendAsync(Get(cap, "Connection: close\r\n") + Get(cap));
            var response = await client.ReadResponseAsync();
            Assert.Equal("close", response.Headers["connection"]);
            Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)), "the second, pipelined request must not be answered");
        }

        using (var client = await RawHttp1Client.ConnectAsync(f.Http.Port))
        {
            await client.SendAsync($"GET /v1/blobs/{cap} HTTP/1.0\r\n\r\n");
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)));
        }

        using (var client = await RawHttp1Client.ConnectAsync(f.Http.Port))
        {
            await client.SendAsync($"GET /v1/blobs/{cap} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var first = await client.ReadResponseAsync();
            Assert.Equal("keep-alive", first.Headers["connection"]);
            await client.SendAsync(Get(cap));
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        }
    }

    [Fact]
    public async Task A_request_body_is_discarded_and_the_next_request_served_but_a_large_one_is_refused()
    {
        await using var f = await FetchFixture.StartAsync(o => o.MaxDiscardedRequestBody = 1000);
        var content = FetchFixture.Bytes(50, 3);
        var (cap, _) = await f.SubmitAsync(content);

        using (var client = await RawHttp1Client.ConnectAsync(f.Http.Port))
        {
            await client.SendAsync(Get(cap, "Content-Length: 11\r\n") + "GET /x HTTP" + Get(cap));
            Assert.Equal(content, (await client.ReadResponseAsync()).Body);
            Assert.Equal(content, (await client.ReadResponseAsync()).Body);
        }

        using (var client = await RawHttp1Client.ConnectAsync(f.Http.Port))
        {
            await client.SendAsync(Get(cap, "Content-Length: 1001\r\n"));
            Assert.Equal(413, (await client.ReadResponseAsync()).Status);
            Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)));
        }
    }

    [Theory]
    [InlineData("GET /v1/blobs/{0} HTTP/1.1\r\nHost: a\r\nX-Pad: {1}\r\n\r\n", 431)]
    [InlineData("GET /v1/blobs/{0} HTTP/2.0\r\nHost: a\r\n\r\n", 505)]
    [InlineData("GET /v1/blobs/{0} HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n", 400)]
    [InlineData("GET /v1/blobs/{0} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)]
    [InlineData("GET http://a.example/v1/blobs/{0}?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", 200)]
    [InlineData("\r\nGET /v1/blobs/{0}?download HTTP/1.1\r\nHost: a\r\nrange: bytes=-3\r\n\r\n", 206)]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 405)]
    public async Task Request_heads_get_the_status_the_rules_give(string template, int status)
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 4));
        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);

        await client.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, cap, new string('p', 9000)));

        var response = await client.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        Assert.StartsWith("HTTP/1.1 ", response.StatusLine, StringComparison.Ordinal);
        Assert.True(response.Headers.ContainsKey("date"));
        if (status >= 400 && status != 405)
        {
            Assert.Equal("close", response.Headers["connection"]);
            Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)));
        }
    }

    [Fact]
    public async Task A_request_after_more_than_the_head_limit_of_empty_lines_gets_431_and_the_connection_closes()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 6));
        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);

        await client.SendAsync(string.Concat(Enumerable.Repeat("\r\n", 4200)) + Get(cap));

        var response = await client.ReadResponseAsync();
        Assert.Equal(431, response.Status);
        Assert.Equal("close", response.Headers["connection"]);
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_flood_of_empty_lines_gets_431_and_the_connection_closes()
    {
        await using var f = await FetchFixture.StartAsync();
        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);

        // Megabytes of empty lines, sent while the answer is awaited: the door must answer once past its head limit.
        var chunk = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 32 * 1024)));
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 64 && !stop.IsCancellationRequested; i++)
                {
                    await client.SendAsync(chunk);
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The door closed the connection under the flood.
            }
        });

        var response = await client.ReadResponseAsync();
        await stop.CancelAsync();
        Assert.Equal(431, response.Status);
        Assert.Equal("close", response.Headers["connection"]);
        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(5)));
        await flood;
    }

    [Fact]
    public async Task Idle_connections_and_slow_heads_are_closed_at_their_deadlines()
    {
        await using var f = await FetchFixture.StartAsync(o =>
        {
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1);
            o.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
        });
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 5));

        using var idle = await RawHttp1Client.ConnectAsync(f.Http.Port);
        await idle.SendAsync(Get(cap));
        Assert.Equal(200, (await idle.ReadResponseAsync()).Status);
        using var slow = await RawHttp1Client.ConnectAsync(f.Http.Port);
        await slow.SendAsync("GET /v1/blobs/");

        // Trickling bytes does not extend a head's deadline.
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                // The pace is the behaviour under test: a byte every 400 ms, each well inside the 1 s deadline.
                await Task.Delay(400);
                try
                {
                    await slow.SendAsync("A");
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return;
                }
            }
        });

        Assert.True(await idle.ClosedAsync(TimeSpan.FromSeconds(5)), "an idle connection is closed after the keep-alive timeout");
        Assert.True(await slow.ClosedAsync(TimeSpan.FromSeconds(5)), "a head still incomplete after its timeout is cut off");
        await trickle;
    }
}
