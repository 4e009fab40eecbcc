using Tern.Engine.Protocol.Fetch;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>Hostile input on the framed door: a clear goaway (or a silent close before the preface), never a crash.</summary>
public sealed class FramedHostileInputTests
{
    public static TheoryData<string, byte[], GoAwayCode> Violations()
    {
        var fetch = new byte[FetchRequest.Size];
        return new TheoryData<string, byte[], GoAwayCode>
        {
            { "oversized frame", RawFramedConnection.Frame(16 * 1024 * 1024, 1, 0x01, 0), GoAwayCode.FrameTooLarge },
            { "unknown type", RawFramedConnection.Frame(0, 1, 0x42, 0), GoAwayCode.ProtocolError },
            { "reserved custody type", RawFramedConnection.Frame(0, 1, 0x10, 0), GoAwayCode.ProtocolError },
            { "fetch on stream 0", RawFramedConnection.Frame(FetchRequest.Size, 0, 0x01, 0, fetch), GoAwayCode.ProtocolError },
            { "fetch of wrong size", RawFramedConnection.Frame(5, 1, 0x01, 0, new byte[5]), GoAwayCode.ProtocolError },
            { "undefined flag", RawFramedConnection.Frame(0, 1, 0x04, 0x80), GoAwayCode.ProtocolError },
            { "data from a client", RawFramedConnection.Frame(3, 1, 0x03, 0, new byte[3]), GoAwayCode.ProtocolError },
            { "meta from a client", RawFramedConnection.Frame(1, 1, 0x02, 0, [1]), GoAwayCode.ProtocolError },
            { "ping on a stream", RawFramedConnection.Frame(8, 5, 0x08, 0, new byte[8]), GoAwayCode.ProtocolError },
            // §8.2: stream frames never on stream 0, connection frames only there; reserved flag bits and head off fetch.
            { "cancel on stream 0", RawFramedConnection.Frame(0, 0, 0x04, 0), GoAwayCode.ProtocolError },
            { "descriptor request on a stream", RawFramedConnection.Frame(0, 3, 0x06, 0), GoAwayCode.ProtocolError },
            { "reserved flag bit 3 on fetch", RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0x08, fetch), GoAwayCode.ProtocolError },
            { "proof on cancel", RawFramedConnection.Frame(0, 1, 0x04, 0x04), GoAwayCode.ProtocolError },
            { "head on cancel", RawFramedConnection.Frame(0, 1, 0x04, 0x02), GoAwayCode.ProtocolError },
            // §14.4: a key lookup is a stream frame with a 32-byte payload; its answer travels server to client only.
            { "key lookup on stream 0", RawFramedConnection.Frame(32, 0, 0x0B, 0, new byte[32]), GoAwayCode.ProtocolError },
            { "key lookup of wrong size", RawFramedConnection.Frame(31, 1, 0x0B, 0, new byte[31]), GoAwayCode.ProtocolError },
            { "key lookup with head", RawFramedConnection.Frame(32, 1, 0x0B, 0x02, new byte[32]), GoAwayCode.ProtocolError },
            { "user_keys from a client", RawFramedConnection.Frame(1, 1, 0x0C, 0x01, [1]), GoAwayCode.ProtocolError },
        };
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Protocol_violation_gets_a_goaway_with_its_code_then_close(string what, byte[] frame, GoAwayCode code)
    {
        await using var f = await FetchFixture.StartAsync();
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync([.. RawFramedConnection.Preface(), .. frame]);
        var frames = RawFramedConnection.Frames(await raw.ReadToCloseAsync());

        var last = Assert.Single(frames);
        Assert.Equal(FrameType.GoAway, last.Header.Type);
        Assert.True(code == (GoAwayCode)last.Payload[0], what);
        Assert.True(last.Payload.Length > 1, "a goaway says why");
        await AssertStillServesAsync(f);
    }

    [Fact]
    public async Task Wrong_preface_is_closed_without_an_answer()
    {
        await using var f = await FetchFixture.StartAsync();
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);

        await raw.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        Assert.Empty(await raw.ReadToCloseAsync());
        await AssertStillServesAsync(f);
    }

    [Fact]
    public async Task Too_many_concurrent_streams_is_a_goaway()
    {
        await using var f = await FetchFixture.StartAsync(o => o.MaxStreamsPerConnection = 2);
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(3_000_000, 4));
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);
        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);

        // Three fetches of a large blob in one write, while not reading: the third exceeds the limit of 2.
        await raw.SendAsync([
            .. RawFramedConnection.Preface(),
            .. RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0, fetch),
            .. RawFramedConnection.Frame(FetchRequest.Size, 3, 0x01, 0, fetch),
            .. RawFramedConnection.Frame(FetchRequest.Size, 5, 0x01, 0, fetch)]);
        var frames = RawFramedConnection.Frames(await raw.ReadToCloseAsync());

        var goAway = frames[^1];
        Assert.Equal(FrameType.GoAway, goAway.Header.Type);
        Assert.Equal(GoAwayCode.TooManyStreams, (GoAwayCode)goAway.Payload[0]);
        Assert.DoesNotContain(frames, fr => fr.Header.StreamId == 5);
    }

    [Fact]
    public async Task A_flood_of_descriptor_requests_beyond_the_pending_bound_is_a_goaway()
    {
        // The largest descriptor, so the writer soon waits for a client that is not reading yet, while the reader keeps
        // taking requests: without a bound, each one would queue another descriptor for as long as the client sends.
        var document = new byte[FrameLimits.MaxDescriptorPayloadSize];
        Array.Fill(document, (byte)'d');
        // The writer on the pool, so the reader races ahead of it as it does under load: an idle writer run on the
        // reader's thread answers each request before the next is read, and how many it answers then depends on how
        // fast this client drains them, not on the bound.
        await using var f = await FetchFixture.StartAsync(o =>
        {
            o.DescriptorDocument = document;
            o.MaxConnectionOutputBuffer = 64 * 1024;
            o.FramedWriterInline = false;
        });
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed, receiveBufferSize: 64 * 1024);
        const int Flood = 2000;
        var request = RawFramedConnection.Frame(0, 0, 0x06, 0);

        // 20 KB of requests in one write, small enough for the socket buffers even once the server stops reading.
        await raw.SendAsync([.. RawFramedConnection.Preface(), .. Enumerable.Range(0, Flood).SelectMany(_ => request)]);
        var frames = RawFramedConnection.Frames(await raw.ReadToCloseAsync());

        var goAway = frames[^1];
        Assert.Equal(FrameType.GoAway, goAway.Header.Type);
        Assert.Equal(GoAwayCode.ProtocolError, (GoAwayCode)goAway.Payload[0]);
        Assert.Contains("descriptor", System.Text.Encoding.UTF8.GetString(goAway.Payload.AsSpan(1)), StringComparison.Ordinal);

        // At most the 64 owed plus what the writer had already handed to the socket before the client read: the output
        // pipe (64 KiB) and the kernel's buffers (this client's 64 KiB, the server's send buffer of at most 4 MiB here),
        // 16 KiB each. Far fewer than asked for.
        var answered = frames.Count(frame => frame.Header.Type == FrameType.Descriptor);
        Assert.InRange(answered, 1, 64 + 4 + 4 + 256 + 1);
        await AssertStillServesAsync(f);
    }

    [Fact]
    public async Task Reusing_an_open_stream_id_is_a_protocol_error()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(3_000_000, 5));
        using var raw = await RawFramedConnection.ConnectAsync(f.Framed);
        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);

        await raw.SendAsync([
            .. RawFramedConnection.Preface(),
            .. RawFramedConnection.Frame(FetchRequest.Size, 7, 0x01, 0, fetch),
            .. RawFramedConnection.Frame(FetchRequest.Size, 7, 0x01, 0, fetch)]);
        var frames = RawFramedConnection.Frames(await raw.ReadToCloseAsync());

        Assert.Equal(FrameType.GoAway, frames[^1].Header.Type);
        Assert.Equal(GoAwayCode.ProtocolError, (GoAwayCode)frames[^1].Payload[0]);
    }

    [Fact]
    public async Task Random_and_mutated_input_never_takes_the_door_down()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(2000, 6));
        var fetch = new byte[FetchRequest.Size];
        new FetchRequest(cap).Write(fetch);
        var valid = RawFramedConnection.Frame(FetchRequest.Size, 1, 0x01, 0, fetch);
        var random = new Random(1234);
        for (var i = 0; i < 60; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(1, 300)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var m = 0; m < 1 + random.Next(4); m++)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            using var raw = await RawFramedConnection.ConnectAsync(f.Framed);
            await raw.SendAsync([.. RawFramedConnection.Preface(), .. input]);
            // Either an answer, a goaway, or a wait for more bytes: close our side and read what came back.
            await Task.Yield();
            raw.Dispose();
        }

        await AssertStillServesAsync(f);
        var errors = f.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static async Task AssertStillServesAsync(FetchFixture f)
    {
        var content = FetchFixture.Bytes(1234, 99);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));
        var body = new MemoryStream();
        Assert.Equal(MetaStatus.Ok, (await client.FetchAsync(cap, body)).Status);
        Assert.Equal(content, body.ToArray());
    }
}
