using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

public sealed class TransitRoundTripTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(1000, true)]
    [InlineData(ChunkSize, false)]
    [InlineData(ChunkSize + 1, true)]
    [InlineData((ChunkSize * 7) + 123, false)]
    [InlineData(ChunkSize * 600, false)] // 600 chunks: more than one chunk-map entry holds (512), so a two-level map
    public async Task Blob_reads_back_byte_for_byte_with_its_hash_and_metadata(int size, bool seekable)
    {
        var content = Bytes(size, size);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var expiry = Start.AddDays(2);
        var result = await store.SubmitAsync(Request(expiry, "alice", "example.org", "Example.NET."), Stream(content, seekable));

        Assert.Equal(size, result.Size);
        Assert.Equal(Hash(content), result.PayloadHash);
        Assert.Equal(2, result.Capabilities.Count);
        Assert.NotEqual(result.Capabilities[0], result.Capabilities[1]);
        foreach (var capability in result.Capabilities)
        {
            var info = await store.GetBlobAsync(capability);
            Assert.NotNull(info);
            Assert.Equal(new BlobInfo(result.MessageId, size, Hash(content), expiry, "message/tern", DeliveryState.Outstanding), info.Value);
            Assert.Equal(content, await ReadAllAsync(store, capability, size));
        }

        Assert.Equal("example.net", store.GetDelivery(result.Capabilities[1])!.Value.DestinationDomain);
        Assert.Equal(0, await store.ReadAsync(result.Capabilities[0], size, new byte[10]));
    }

    [Fact]
    public async Task Range_reads_at_chunk_boundaries_return_the_right_bytes()
    {
        var content = Bytes((ChunkSize * 5) + 17, 5);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var result = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: false));
        var capability = result.Capabilities[0];

        long[] offsets = [0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, (2 * ChunkSize) - 1, 4 * ChunkSize, (5 * ChunkSize) - 1, 5 * ChunkSize, content.Length - 1];
        int[] lengths = [1, 2, ChunkSize - 1, ChunkSize, ChunkSize + 1, (3 * ChunkSize) + 5, content.Length];
        foreach (var offset in offsets)
        {
            foreach (var length in lengths)
            {
                var buffer = new byte[length];
                var n = await store.ReadAsync(capability, offset, buffer);
                var expected = (int)Math.Min(length, content.Length - offset);
                Assert.Equal(expected, n);
                Assert.Equal(content.AsSpan((int)offset, expected).ToArray(), buffer.AsSpan(0, n).ToArray());
            }
        }
    }

    [Fact]
    public async Task Unknown_capabilities_read_as_not_found()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var unknown = FetchCapability.NewRandom();
        Assert.Null(await store.GetBlobAsync(unknown));
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(unknown, 0, new byte[8]));
    }

    [Fact]
    public async Task Blobs_and_deliveries_survive_a_clean_restart()
    {
        var contents = new List<(byte[] Content, SubmissionResult Result)>();
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            for (var i = 0; i < 20; i++)
            {
                var content = Bytes(i * 997, i);
                contents.Add((content, await store.SubmitAsync(Request(Start.AddHours(1 + i)), Stream(content, i % 2 == 0))));
            }

            await store.RecordAttemptAsync(contents[3].Result.Capabilities[0], 4, Start.AddMinutes(9));
            Assert.True(await store.MarkFetchedAsync(contents[5].Result.Capabilities[0]));
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            foreach (var (content, result) in contents)
            {
                Assert.Equal(content, await ReadAllAsync(store, result.Capabilities[0], content.Length));
            }

            var attempt = store.GetDelivery(contents[3].Result.Capabilities[0])!.Value;
            Assert.Equal((4, Start.AddMinutes(9)), (attempt.Attempt, attempt.NextAttemptAt));
            Assert.Equal(DeliveryState.Fetched, store.GetDelivery(contents[5].Result.Capabilities[0])!.Value.State);

            var pending = new List<DeliveryInfo>();
            await foreach (var d in store.ListOutstandingDeliveriesAsync())
            {
                pending.Add(d);
            }

            Assert.Equal(19, pending.Count);
        }
    }

    [Fact]
    public async Task Declared_size_must_match_the_content()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var content = Bytes(10_000, 1);
        var longer = Request(Start.AddDays(1));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(With(longer, 9_000), Stream(content, seekable: false)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(With(longer, 11_000), Stream(content, seekable: false)));
        var ok = await store.SubmitAsync(With(longer, 10_000), Stream(content, seekable: false));
        Assert.Equal(content, await ReadAllAsync(store, ok.Capabilities[0], content.Length));

        static SubmissionRequest With(SubmissionRequest r, long size) => new()
        {
            Account = r.Account,
            Recipients = r.Recipients,
            TransitExpiry = r.TransitExpiry,
            DeclaredSize = size,
        };
    }
}
