using FASTER.core;
using Tern.Engine.Storage;

namespace Tern.Engine.Tests.Transit;

/// <summary>Direct reads of committed FasterLog records from the segment files, and when they decline.</summary>
public sealed class SegmentFilesTests : IDisposable
{
    private const int SegmentBits = 16;
    private readonly TempDirectory _directory = new("transit");
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly SegmentFiles _segments;

    public SegmentFilesTests()
    {
        var path = Path.Combine(_directory.Path, "blobs.log");
        _device = Devices.CreateLogDevice(path);
        _log = new FasterLog(new FasterLogSettings
        {
            LogDevice = _device,
            LogCommitDir = Path.Combine(_directory.Path, "commits"),
            PageSizeBits = 14,
            MemorySizeBits = 16,
            SegmentSizeBits = SegmentBits,
        });
        _segments = new SegmentFiles(path, SegmentBits, _log.HeaderSize);
    }

    public void Dispose()
    {
        _segments.Dispose();
        _log.Dispose();
        _device.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Committed_records_read_back_from_any_offset_across_segments()
    {
        // 40 records of 3000 bytes span two 64 KiB segments.
        var records = Enumerable.Range(0, 40).Select(i => TransitTestStores.Bytes(3000, i)).ToArray();
        var addresses = records.Select(r => _log.Enqueue(r)).ToArray();
        await _log.CommitAsync();
        Assert.True(addresses[^1] >> SegmentBits > 0);

        for (var i = 0; i < records.Length; i++)
        {
            foreach (var (within, length) in new[] { (0, 3000), (0, 1), (1, 2999), (1500, 700), (2999, 1) })
            {
                var destination = new byte[length];
                Assert.True(await _segments.TryReadAsync(_log, addresses[i], 3000, within, destination, default));
                Assert.Equal(records[i].AsSpan(within, length).ToArray(), destination);
            }
        }
    }

    [Fact]
    public async Task Declines_a_length_that_does_not_match_the_record_header()
    {
        var address = _log.Enqueue(TransitTestStores.Bytes(1000, 1));
        await _log.CommitAsync();

        Assert.False(await _segments.TryReadAsync(_log, address, 999, 0, new byte[999], default));
        Assert.False(await _segments.TryReadAsync(_log, address, 1001, 0, new byte[1000], default));
    }

    [Fact]
    public async Task Declines_what_is_not_yet_committed()
    {
        var committed = _log.Enqueue(TransitTestStores.Bytes(100, 1));
        await _log.CommitAsync();
        var uncommitted = _log.Enqueue(TransitTestStores.Bytes(100, 2));

        Assert.True(await _segments.TryReadAsync(_log, committed, 100, 0, new byte[100], default));
        Assert.False(await _segments.TryReadAsync(_log, uncommitted, 100, 0, new byte[100], default));
    }

    [Fact]
    public async Task Declines_after_dispose()
    {
        var address = _log.Enqueue(TransitTestStores.Bytes(100, 1));
        await _log.CommitAsync();
        _segments.Dispose();

        Assert.False(await _segments.TryReadAsync(_log, address, 100, 0, new byte[100], default));
    }

    [Fact]
    public async Task A_fast_commit_log_is_read_behind_its_12_byte_checksummed_header()
    {
        var directory = Path.Combine(_directory.Path, "fast");
        var path = Path.Combine(directory, "blobs.log");
        using var device = new SegmentFileDevice(path, startWriteback: false, dataSync: true);
        using var commits = new Tern.Engine.Transit.SlotCommitManager(Path.Combine(directory, "commits"), flushData: null, failed: null, TimeSpan.FromSeconds(1));
        using var log = new FasterLog(Tern.Engine.Transit.LogDeviceFactory.Settings(device, commits, fastCommit: true, pageSizeBits: 14, memorySizeBits: 16, SegmentBits));
        using var segments = new SegmentFiles(path, SegmentBits, log.HeaderSize);
        Assert.Equal(12, log.HeaderSize);

        var records = Enumerable.Range(0, 30).Select(i => TransitTestStores.Bytes(3000, i)).ToArray();
        var addresses = records.Select(r => log.Enqueue(r)).ToArray();
        await log.CommitAsync();
        for (var i = 0; i < records.Length; i++)
        {
            var destination = new byte[700];
            Assert.True(await segments.TryReadAsync(log, addresses[i], 3000, 1500, destination, default));
            Assert.Equal(records[i].AsSpan(1500, 700).ToArray(), destination);
        }

        // Read as a plain log's 4-byte header, the length is not where the reader looks: declined, not misread.
        using var plain = new SegmentFiles(path, SegmentBits, 4);
        Assert.False(await plain.TryReadAsync(log, addresses[0], 3000, 0, new byte[3000], default));
    }
}
