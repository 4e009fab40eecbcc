using Tern.Engine.Protocol.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// A stopping server ends the connections of Tern's own doors at once instead of leaving them to the shutdown timeout:
/// an idle HTTP/1.1 keep-alive connection is closed, an idle framed connection gets <c>goaway</c> <c>normal</c>
/// ("closing"), and a framed fetch under way is finished before that goaway.
/// </summary>
public sealed class GracefulStopTests
{
    // Long enough that a connection ended by the timeout's abort (no goaway, a reset) cannot pass for a graceful close.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Idle_http1_and_framed_connections_are_closed_by_a_stop_and_the_framed_one_is_told_why()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 3));
        using var http1 = await RawHttp1Client.ConnectAsync(f.Http.Port);
        await http1.SendAsync($"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await http1.ReadResponseAsync()).Status);
        using var framed = await RawFramedConnection.ConnectAsync(f.Framed);
        await framed.SendAsync([.. RawFramedConnection.Preface(), .. RawFramedConnection.Frame(8, 0, 0x08, 0, new byte[8])]);
        Assert.Equal(FrameType.Pong, (await framed.ReadFrameAsync())?.Header.Type);

        using var timeout = new CancellationTokenSource(ShutdownTimeout);
        var stop = f.Server.StopAsync(timeout.Token);
        var frames = await ReadToCloseAsync(framed);

        Assert.True(await http1.ClosedAsync(TimeSpan.FromSeconds(20)), "the idle keep-alive connection is closed");
        var goAway = Assert.Single(frames);
        Assert.Equal(FrameType.GoAway, goAway.Header.Type);
        Assert.Equal(GoAwayCode.Normal, (GoAwayCode)goAway.Payload[0]);
        Assert.Equal("closing"u8.ToArray(), goAway.Payload[1..]);
        await stop;
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task A_framed_fetch_under_way_at_a_stop_is_finished_before_the_goaway()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(3_000_000, 5);
        var (cap, _) = await f.SubmitAsync(content);
        using var framed = await RawFramedConnection.ConnectAsync(f.Framed, receiveBufferSize: 4096);
        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);

        // The client does not read yet, so the fetch is still sending (held by the socket) when the stop begins.
        await framed.SendAsync([.. RawFramedConnection.Preface(), .. RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0, fetch)]);
        Assert.Equal(FrameType.Meta, (await framed.ReadFrameAsync())?.Header.Type);
        using var timeout = new CancellationTokenSource(ShutdownTimeout);
        var stop = f.Server.StopAsync(timeout.Token);
        var frames = await ReadToCloseAsync(framed);

        var data = frames.Where(fr => fr.Header.Type == FrameType.Data && fr.Header.StreamId == 1).SelectMany(fr => fr.Payload).ToArray();
        Assert.Equal(content, data);
        Assert.Equal(FrameType.GoAway, frames[^1].Header.Type);
        Assert.Equal(GoAwayCode.Normal, (GoAwayCode)frames[^1].Payload[0]);
        await stop;
        Assert.False(timeout.IsCancellationRequested);
    }

    private static async Task<List<(FrameHeader Header, byte[] Payload)>> ReadToCloseAsync(RawFramedConnection connection)
    {
        var frames = new List<(FrameHeader Header, byte[] Payload)>();
        while (await connection.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
