using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>The framed door (docs/PROTOCOL.md §8.2–8.3) against a real Kestrel on loopback, plain and TLS.</summary>
public sealed class FramedDoorTests
{
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1000)]
    [InlineData(false, 300_000)]
    [InlineData(true, 1000)]
    [InlineData(true, 300_000)]
    public async Task Fetch_returns_the_whole_blob_with_its_metadata(bool tls, int size)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(size, size);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(tls ? f.FramedTls : f.Framed, f.FramedOptions(tls));
        var body = new MemoryStream();

        var response = await client.FetchAsync(cap, body);

        Assert.Equal(MetaStatus.Ok, response.Status);
        Assert.Equal(size, response.TotalSize);
        Assert.Equal(FetchFixture.Hash(content), response.PayloadHash);
        Assert.Equal(content, body.ToArray());
    }

    [Fact]
    public async Task A_small_blob_fetches_the_same_from_its_journal_record_and_once_settled_in_its_bucket()
    {
        // 3000 bytes ride the journal record (JournalInlineMaxBytes) until the checkpoint settles them in the bucket log.
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(3000, 30);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        async Task<(byte[] Whole, byte[] Range, Bytes32 Hash)> FetchAsync()
        {
            var whole = new MemoryStream();
            var response = await client.FetchAsync(cap, whole);
            Assert.Equal(MetaStatus.Ok, response.Status);
            var range = new MemoryStream();
            Assert.Equal(MetaStatus.Ok, (await client.FetchAsync(cap, range, offset: 1000, length: 1500)).Status);
            return (whole.ToArray(), range.ToArray(), response.PayloadHash);
        }

        var inline = await FetchAsync();
        await f.Store.CheckpointAsync();
        var settled = await FetchAsync();

        Assert.Equal(content, inline.Whole);
        Assert.Equal(content, settled.Whole);
        Assert.Equal(content.AsSpan(1000, 1500).ToArray(), inline.Range);
        Assert.Equal(inline.Range, settled.Range);
        Assert.Equal(FetchFixture.Hash(content), inline.Hash);
        Assert.Equal(inline.Hash, settled.Hash);
    }

    [Fact]
    public async Task Ranged_fetch_returns_exactly_the_range()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(100_000, 7);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        var middle = new MemoryStream();
        var a = await client.FetchAsync(cap, middle, offset: 40_000, length: 25_000);
        var tail = new MemoryStream();
        var b = await client.FetchAsync(cap, tail, offset: 99_990);
        var empty = new MemoryStream();
        var c = await client.FetchAsync(cap, empty, offset: 100_000);

        Assert.Equal((MetaStatus.Ok, 40_000L, 25_000L), (a.Status, a.Offset, a.Received));
        Assert.Equal(content.AsSpan(40_000, 25_000).ToArray(), middle.ToArray());
        Assert.Equal(content.AsSpan(99_990).ToArray(), tail.ToArray());
        Assert.Equal((MetaStatus.Ok, 0L), (c.Status, c.Received));
        Assert.Equal(MetaStatus.Ok, b.Status);
    }

    [Fact]
    public async Task Range_outside_the_blob_is_not_satisfiable()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 1));
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        var past = await client.FetchAsync(cap, Stream.Null, offset: 1001);
        var beyond = await client.FetchAsync(cap, Stream.Null, offset: 10, length: 991);

        Assert.Equal(MetaStatus.RangeNotSatisfiable, past.Status);
        Assert.Equal(MetaStatus.RangeNotSatisfiable, beyond.Status);
    }

    [Fact]
    public async Task Head_fetch_returns_metadata_only_and_counts_nothing()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(5000, 2);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        var head = await client.HeadAsync(cap);

        Assert.Equal((MetaStatus.Ok, 5000L, 0L), (head.Status, head.TotalSize, head.Received));
        Assert.Equal(FetchFixture.Hash(content), head.PayloadHash);
        Assert.Equal(Tern.Engine.Transit.DeliveryState.Outstanding, f.StateOf(cap));
    }

    [Fact]
    public async Task Unknown_and_retracted_capabilities_are_both_not_found()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, result) = await f.SubmitAsync(FetchFixture.Bytes(1000, 3));
        await f.Store.RetractAsync(result.MessageId, "alice");
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        var retracted = await client.FetchAsync(cap, Stream.Null);
        var unknown = await client.FetchAsync(FetchCapability.NewRandom(), Stream.Null);

        Assert.Equal(MetaStatus.NotFound, retracted.Status);
        Assert.Equal(retracted, unknown);
    }

    [Fact]
    public async Task Hundred_concurrent_fetches_share_one_connection()
    {
        await using var f = await FetchFixture.StartAsync();
        var blobs = new List<(FetchCapability Cap, byte[] Content)>();
        for (var i = 0; i < 100; i++)
        {
            // Small and large blobs mixed: data frames of different streams interleave.
            var content = FetchFixture.Bytes(i % 10 == 0 ? 200_000 + i : 1000 + (i * 37), i);
            blobs.Add(((await f.SubmitAsync(content)).Capability, content));
        }

        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));
        var bodies = blobs.Select(_ => new MemoryStream()).ToArray();

        var responses = await Task.WhenAll(blobs.Select((b, i) => client.FetchAsync(b.Cap, bodies[i])));

        for (var i = 0; i < blobs.Count; i++)
        {
            Assert.Equal(MetaStatus.Ok, responses[i].Status);
            Assert.Equal(blobs[i].Content, bodies[i].ToArray());
        }
    }

    [Fact]
    public async Task Ping_is_answered_and_the_descriptor_is_served()
    {
        var document = "{\"descriptor\":\"x\",\"signature\":\"y\"}"u8.ToArray();
        await using var f = await FetchFixture.StartAsync(o => o.DescriptorDocument = document);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        Assert.Equal(0x0102030405060708UL, await client.PingAsync(0x0102030405060708UL));
        Assert.Equal(document, await client.GetDescriptorAsync());
    }

    [Fact]
    public async Task Cancelled_fetch_stops_its_stream_and_the_connection_keeps_working()
    {
        await using var f = await FetchFixture.StartAsync();
        var big = FetchFixture.Bytes(2_000_000, 9);
        var (bigCap, _) = await f.SubmitAsync(big);
        var small = FetchFixture.Bytes(500, 10);
        var (smallCap, _) = await f.SubmitAsync(small);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));
        using var cts = new CancellationTokenSource();
        var slow = new CancelAfterStream(cts, 100_000);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FetchAsync(bigCap, slow, cancellationToken: cts.Token));
        var body = new MemoryStream();
        var response = await client.FetchAsync(smallCap, body);

        Assert.Equal(MetaStatus.Ok, response.Status);
        Assert.Equal(small, body.ToArray());
        Assert.True(client.IsConnected);
    }

    /// <summary>A sink that cancels a token once it has received some bytes.</summary>
    private sealed class CancelAfterStream(CancellationTokenSource cts, int after) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length >= after)
            {
                cts.Cancel();
            }

            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
