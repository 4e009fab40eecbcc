using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;

namespace Tern.Fetch.Tests;

/// <summary>
/// The framed door's rules that docs/PROTOCOL.md §8.2, §8.3 and §8.6.4 settle — who speaks first, what a head fetch's
/// meta says, empty ranges, how a cancelled stream ends — checked frame by frame on a raw connection.
/// </summary>
public sealed class FramedDoorRuleTests
{
    private static byte[] Fetch(uint stream, FetchCapability capability, ulong offset = 0, ulong length = FetchRequest.ToEnd, byte flags = 0)
    {
        var payload = new byte[FetchRequest.Size];
        new FetchRequest(capability, offset, length).Write(payload);
        return RawFramedConnection.Frame(FetchRequest.Size, stream, (byte)FrameType.Fetch, flags, payload);
    }

    private static byte[] Cancel(uint stream) => RawFramedConnection.Frame(0, stream, (byte)FrameType.Cancel, 0);

    private static byte[] Ping() => RawFramedConnection.Frame(8, 0, (byte)FrameType.Ping, 0, [1, 2, 3, 4, 5, 6, 7, 8]);

    private static async Task<(FrameHeader Header, byte[] Payload)> NextAsync(RawFramedConnection raw)
        => await raw.ReadFrameAsync() ?? throw new Xunit.Sdk.XunitException("the server closed the connection");

    private static FetchMeta Meta(byte[] payload)
    {
        Assert.True(FetchMeta.TryRead(payload, out var meta, out var error), error.ToString());
        return meta;
    }

    [Fact]
    public async Task A_cancelled_stream_ends_with_one_empty_end_stream_data_and_its_id_is_free_again_8_3()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(4_000_000, 21);
        var (cap, _) = await f.SubmitAsync(content);
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync([.. RawFramedConnection.Preface(), .. Fetch(1, cap), .. Cancel(1)]);
        long data = 0;
        (FrameHeader Header, byte[] Payload) frame;
        do
        {
            frame = await NextAsync(raw);
            Assert.Equal(1u, frame.Header.StreamId);
            data += frame.Header.Type == FrameType.Data ? frame.Payload.Length : 0;
        }
        while ((frame.Header.Flags & FrameFlags.EndStream) == 0);

        // Best effort: it stopped short of the blob, and ended with the empty data frame.
        Assert.Equal(FrameType.Data, frame.Header.Type);
        Assert.Empty(frame.Payload);
        Assert.True(data < content.Length, $"{data} bytes arrived after the cancel");

        // The id is free: a new fetch on it is served, and nothing of the cancelled one follows.
        await raw.SendAsync(Fetch(1, cap, 100, 10));
        var meta = await NextAsync(raw);
        Assert.Equal((FrameType.Meta, 1u), (meta.Header.Type, meta.Header.StreamId));
        Assert.Equal((MetaStatus.Ok, 100L, 10L), (Meta(meta.Payload).Status, Meta(meta.Payload).Offset, Meta(meta.Payload).Length));
        var range = await NextAsync(raw);
        Assert.Equal((FrameType.Data, FrameFlags.EndStream), (range.Header.Type, range.Header.Flags));
        Assert.Equal(content[100..110], range.Payload);
    }

    [Fact]
    public async Task A_cancel_for_a_stream_that_is_not_open_is_ignored_8_3()
    {
        await using var f = await FetchFixture.StartAsync();
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync([.. RawFramedConnection.Preface(), .. Cancel(9), .. Ping()]);

        var pong = await NextAsync(raw);
        Assert.Equal(FrameType.Pong, pong.Header.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, pong.Payload);
    }

    [Fact]
    public async Task A_zero_length_fetch_below_the_size_is_ok_with_one_empty_data_and_counts_nothing_8_6_4()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 22));
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync([.. RawFramedConnection.Preface(), .. Fetch(3, cap, 10, 0)]);
        var meta = await NextAsync(raw);
        var data = await NextAsync(raw);

        Assert.Equal((FrameType.Meta, FrameFlags.None), (meta.Header.Type, meta.Header.Flags));
        Assert.Equal((MetaStatus.Ok, 1000L, 10L, 0L), (Meta(meta.Payload).Status, Meta(meta.Payload).TotalSize, Meta(meta.Payload).Offset, Meta(meta.Payload).Length));
        Assert.Equal((FrameType.Data, FrameFlags.EndStream, 3u), (data.Header.Type, data.Header.Flags, data.Header.StreamId));
        Assert.Empty(data.Payload);
        Assert.Equal(DeliveryState.Outstanding, f.StateOf(cap));
    }

    [Fact]
    public async Task A_head_fetch_gets_the_plain_fetchs_meta_with_end_stream_and_no_head_flag_8_3()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 23));
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync([.. RawFramedConnection.Preface(), .. Fetch(5, cap, 100, 50, flags: (byte)FrameFlags.Head), .. Fetch(7, cap, 100, 50),
            .. Fetch(9, cap, 2000, 1, flags: (byte)FrameFlags.Head)]);
        // Four frames in all (the writer may interleave stream 7's data with the metas): three metas and 7's data.
        var frames = new List<(FrameHeader Header, byte[] Payload)>();
        for (var i = 0; i < 4; i++)
        {
            frames.Add(await NextAsync(raw));
        }

        var head = frames.Single(fr => fr.Header.StreamId == 5);
        var plain = frames.Single(fr => fr.Header.StreamId == 7 && fr.Header.Type == FrameType.Meta);
        var unsatisfiable = frames.Single(fr => fr.Header.StreamId == 9);

        Assert.Equal((FrameType.Meta, 5u, FrameFlags.EndStream), (head.Header.Type, head.Header.StreamId, head.Header.Flags));
        Assert.Equal((FrameType.Meta, 7u, FrameFlags.None), (plain.Header.Type, plain.Header.StreamId, plain.Header.Flags));
        Assert.Equal(plain.Payload, head.Payload);
        Assert.Equal((100L, 50L), (Meta(head.Payload).Offset, Meta(head.Payload).Length));
        Assert.Equal((9u, FrameFlags.EndStream), (unsatisfiable.Header.StreamId, unsatisfiable.Header.Flags));
        Assert.Equal(MetaStatus.RangeNotSatisfiable, Meta(unsatisfiable.Payload).Status);
    }

    [Fact]
    public async Task The_server_says_nothing_before_the_whole_client_preface_and_takes_frames_right_behind_it_8_2()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(100, 24));
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);
        var preface = RawFramedConnection.Preface();

        await raw.SendAsync(preface[..4]);
        Assert.False(await raw.SaysAnythingWithinAsync(TimeSpan.FromMilliseconds(300)), "the server spoke before the client's preface was complete");

        await raw.SendAsync([.. preface[4..], .. Fetch(1, cap)]);
        var meta = await NextAsync(raw);
        Assert.Equal((FrameType.Meta, MetaStatus.Ok), (meta.Header.Type, Meta(meta.Payload).Status));
    }
}
