using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

public sealed class TransitQuotaTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    /// <summary>Longer than the store's interval between two looks at the free space.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(300);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Account_live_bytes_limit_refuses_before_writing_and_names_the_limit()
    {
        var options = Options(_directory.Path);
        options.AccountLiveBytesLimit = 10_000;
        await using var store = await TransitStore.OpenAsync(options, _time);
        await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(8000, 1), seekable: true));
        var sizeBefore = _directory.SizeOfFiles(include: IsLogData);

        // Seekable: the size is known up front, so nothing is written.
        var declared = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(3000, 2), seekable: true)));
        Assert.Contains("AccountLiveBytesLimit (10000 bytes)", declared.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(TransitStoreOptions.AccountLiveBytesLimit), declared.Limit);
        Assert.Equal(sizeBefore, _directory.SizeOfFiles(include: IsLogData));

        // Unknown size: refused as the stream crosses the limit.
        await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(9000, 3), seekable: false)));

        // Other accounts are not affected, and the refused submissions hold nothing.
        await store.SubmitAsync(Request(Start.AddDays(1), "bob"), Stream(Bytes(9000, 4), seekable: false));
        Assert.Equal(8000, store.GetAccountStats("alice").LiveBytes);
        await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(2000, 5), seekable: false));
    }

    [Fact]
    public async Task Below_the_free_space_mark_submissions_are_refused_by_name_and_what_was_acknowledged_stays()
    {
        // The disk's free space as a probe the test sets (a real full volume needs a mount this test cannot count on).
        var disk = new SettableDiskSpace { Available = 1_000_000 };
        var options = Options(_directory.Path);
        options.MinFreeBytes = 500_000;
        options.DiskSpace = disk;
        await using var store = await TransitStore.OpenAsync(options, _time);
        var content = Bytes(8000, 1);
        var kept = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true));

        // 5000 bytes above the mark: a declared 8000 would cross it, a declared 1000 does not, and a stream is refused at
        // the chunk that would cross it (the chunks before it were written: the probe counts them until it looks again).
        disk.Available = 505_000;
        await Task.Delay(Refresh);
        var declared = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(8000, 2), seekable: true)));
        Assert.Equal(nameof(TransitStoreOptions.MinFreeBytes), declared.Limit);
        Assert.Contains("MinFreeBytes (500000 bytes)", declared.Message, StringComparison.Ordinal);
        await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(1000, 4), seekable: true));
        var streamed = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(8000, 3), seekable: false)));
        Assert.Equal(nameof(TransitStoreOptions.MinFreeBytes), streamed.Limit);

        // Below the mark: even a stream of unknown size is refused before it starts.
        disk.Available = 400_000;
        await Task.Delay(Refresh);
        Assert.Equal(nameof(TransitStoreOptions.MinFreeBytes), (await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "bob"), Stream(Bytes(10, 5), seekable: false)))).Limit);

        // What was acknowledged reads back whole; once space is freed, submissions are taken again.
        var read = new byte[content.Length];
        Assert.Equal(content.Length, await store.ReadAsync(kept.Capabilities[0], 0, read));
        Assert.Equal(content, read);
        disk.Available = 900_000;
        await Task.Delay(Refresh);
        await store.SubmitAsync(Request(Start.AddDays(1), "bob"), Stream(Bytes(8000, 6), seekable: true));
    }

    [Fact]
    public async Task A_full_store_refuses_submissions_by_name_and_loses_nothing_it_acknowledged()
    {
        // MaxBytes stands for the disk: a store that would outgrow it refuses, whoever submits, and keeps what it took.
        var options = Options(_directory.Path);
        options.MaxBytes = 20_000;
        var kept = new List<(FetchCapability Capability, byte[] Content)>();
        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            for (var i = 0; i < 2; i++)
            {
                var content = Bytes(8000, (byte)(10 + i));
                var result = await store.SubmitAsync(Request(Start.AddDays(1), i == 0 ? "alice" : "bob"), Stream(content, seekable: true));
                kept.Add((result.Capabilities[0], content));
            }

            var declared = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "carol"), Stream(Bytes(5000, 3), seekable: true)));
            Assert.Equal(nameof(TransitStoreOptions.MaxBytes), declared.Limit);
            Assert.Contains("over MaxBytes (20000 bytes)", declared.Message, StringComparison.Ordinal);

            // Unknown size: refused as the stream crosses the limit, and what it had reserved is given back.
            var streamed = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "carol"), Stream(Bytes(9000, 4), seekable: false)));
            Assert.Equal(nameof(TransitStoreOptions.MaxBytes), streamed.Limit);
            await store.SubmitAsync(Request(Start.AddDays(1), "carol"), Stream(Bytes(3000, 5), seekable: true));
            await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "carol"), Stream(Bytes(1500, 6), seekable: true)));

            // A fetched delivery frees its bytes.
            Assert.True(await store.MarkFetchedAsync(kept[0].Capability));
            await store.SubmitAsync(Request(Start.AddDays(1), "carol"), Stream(Bytes(8000, 7), seekable: true));
        }

        // After a restart the limit counts what was kept (the ledger is recovered), and every acknowledged blob reads back.
        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "dave"), Stream(Bytes(2000, 8), seekable: true)));
            var (capability, content) = kept[1];
            var read = new byte[content.Length];
            Assert.Equal(content.Length, await store.ReadAsync(capability, 0, read));
            Assert.Equal(content, read);
        }
    }

    [Fact]
    public async Task Domain_live_bytes_limit_counts_each_delivery()
    {
        var options = Options(_directory.Path);
        options.DomainLiveBytesLimit = 5000;
        await using var store = await TransitStore.OpenAsync(options, _time);
        await store.SubmitAsync(Request(Start.AddDays(1), "alice", "a.example", "a.example"), Stream(Bytes(2000, 1), seekable: true));
        var error = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(1), "bob", "b.example", "a.example"), Stream(Bytes(1500, 2), seekable: true)));
        Assert.Contains("'a.example'", error.Message, StringComparison.Ordinal);
        Assert.Contains("DomainLiveBytesLimit (5000 bytes)", error.Message, StringComparison.Ordinal);
        await store.SubmitAsync(Request(Start.AddDays(1), "bob", "b.example", "a.example"), Stream(Bytes(1000, 3), seekable: true));
    }

    [Fact]
    public async Task Expiry_must_be_in_the_future_and_within_the_limits()
    {
        var options = Options(_directory.Path);
        options.MaxTransit = TimeSpan.FromDays(7);
        options.AccountMaxExpiry = TimeSpan.FromDays(2);
        await using var store = await TransitStore.OpenAsync(options, _time);

        var past = await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(Request(Start), Stream([1], true)));
        Assert.Contains("not in the future", past.Message, StringComparison.Ordinal);
        var beyondMax = await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(Request(Start.AddDays(8)), Stream([1], true)));
        Assert.Contains("MaxTransit (7.00:00:00)", beyondMax.Message, StringComparison.Ordinal);
        var beyondAccount = await Assert.ThrowsAsync<TransitQuotaException>(() => store.SubmitAsync(Request(Start.AddDays(3)), Stream([1], true)));
        Assert.Contains("AccountMaxExpiry (2.00:00:00)", beyondAccount.Message, StringComparison.Ordinal);
        await store.SubmitAsync(Request(Start.AddDays(2)), Stream([1], true));
    }

    [Fact]
    public async Task Bad_requests_and_options_get_clear_errors()
    {
        var options = Options(_directory.Path);
        options.MaxTransit = TimeSpan.FromDays(31);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TransitStore.OpenAsync(options, _time));
        Assert.Contains("TransitStoreOptions.MaxTransit", error.Message, StringComparison.Ordinal);

        options = Options(_directory.Path);
        options.ChunkSize = 1 << 20;
        error = await Assert.ThrowsAsync<ArgumentException>(() => TransitStore.OpenAsync(options, _time));
        Assert.Contains("TransitStoreOptions.ChunkSize", error.Message, StringComparison.Ordinal);

        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var noRecipients = new SubmissionRequest { Account = "a", Recipients = [], TransitExpiry = Start.AddDays(1) };
        Assert.Contains("recipients", (await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(noRecipients, Stream([1], true)))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(Request(Start.AddDays(1), "alice", "not a domain"), Stream([1], true)));
    }

    /// <summary>The log data files only: FASTER rewrites and removes its small commit files in the background.</summary>
    private static bool IsLogData(string file)
        => !file.Contains($"{Path.DirectorySeparatorChar}commits{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
