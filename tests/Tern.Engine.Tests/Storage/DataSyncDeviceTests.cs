using System.Runtime.InteropServices;
using System.Text;
using FASTER.core;
using Tern.Engine.Storage;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Storage;

/// <summary>
/// The data-sync device under FasterLog's fast commit (docs/ARCHITECTURE.md §3.1), on real files: segment tails filled
/// with zeros ahead of the writes so a commit overwrites allocated blocks, recovery by scanning forward from a slot
/// written long before the last commit, pages that reached the files after the last commit record left out (and dropped
/// from the files at the reopen), and a torn write after the last intact commit record ignored.
/// </summary>
public sealed class DataSyncDeviceTests : IDisposable
{
    private const int SegmentBits = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Long enough that only the first commit writes a slot: recovery must find the rest in the log.
    private static readonly TimeSpan NoSlotWrites = TimeSpan.FromHours(1);

    private readonly TempDirectory _directory = new("datasync");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Segment_tails_are_filled_with_zeros_ahead_and_nothing_is_left_for_a_flush()
    {
        using var device = new SegmentFileDevice(Path.Combine(_directory.Path, "blobs.log"), startWriteback: false, direct: true, dataSync: true);
        device.Initialize(1L << 24);
        var page = new byte[4096];
        page.AsSpan().Fill(0x5A);

        await WriteAsync(device, page, 0, 0);
        var file = Path.Combine(_directory.Path, "blobs.log.0");
        Assert.Equal(SegmentFileDevice.PreallocateBytes, new FileInfo(file).Length);
        Assert.Equal(1, device.Preallocations);

        // Within the filled tail: an overwrite, nothing allocated.
        await WriteAsync(device, page, 0, 8192);
        Assert.Equal(1, device.Preallocations);

        // Past it: filled once more, the write's bytes where they belong and zeros between.
        await WriteAsync(device, page, 0, (ulong)SegmentFileDevice.PreallocateBytes);
        Assert.Equal(2, device.Preallocations);
        Assert.Equal(2L * SegmentFileDevice.PreallocateBytes, new FileInfo(file).Length);
        Assert.Equal(0, device.DirtySegments);

        device.Dispose();
        var bytes = File.ReadAllBytes(file);
        Assert.All(bytes.AsSpan(0, 4096).ToArray(), b => Assert.Equal(0x5A, b));
        Assert.All(bytes.AsSpan(4096, 4096).ToArray(), b => Assert.Equal(0, b));
        Assert.All(bytes.AsSpan(SegmentFileDevice.PreallocateBytes, 4096).ToArray(), b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public async Task A_fast_commit_log_recovers_every_commit_from_the_log_and_no_page_written_after_the_last()
    {
        var committed = Enumerable.Range(0, 40).Select(i => $"committed {i} ".PadRight(900, '.')).ToList();
        long committedTail;
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var (device, commits, log) = Open();
            foreach (var entry in committed)
            {
                log.Enqueue(Encoding.ASCII.GetBytes(entry));
                await log.CommitAsync(cts.Token);
            }

            // One slot for forty commits: the others are only in the log.
            Assert.Equal(1, commits.SlotWrites);
            committedTail = log.CommittedUntilAddress;

            // Four times the log's memory: FasterLog writes these pages to make room, with no commit record after them.
            for (var i = 0; i < 280; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"UNCOMMITTED {i} ".PadRight(900, '!')));
            }

            while (log.FlushedUntilAddress < committedTail + (3 << 16))
            {
                await Task.Delay(5, cts.Token);
            }

            Crash(device, commits, log);
        }

        Assert.Contains("UNCOMMITTED 100 ", SegmentText(), StringComparison.Ordinal);
        var after = new List<string>();
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var (device, commits, log) = Open();
            Assert.Equal(committedTail, log.TailAddress);
            Assert.Equal(committed, ReadAll(log));

            // Dropped from the files at the reopen, so no later recovery can scan into them.
            Assert.DoesNotContain("UNCOMMITTED", SegmentText(), StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(Path.Combine(_directory.Path, "log"), "blobs.log.*"));
            for (var i = 0; i < 30; i++)
            {
                after.Add($"after {i} ".PadRight(700, '-'));
                log.Enqueue(Encoding.ASCII.GetBytes(after[^1]));
            }

            await log.CommitAsync(cts.Token);
            Crash(device, commits, log);
        }

        var (device3, commits3, log3) = Open();
        using (device3)
        using (commits3)
        using (log3)
        {
            Assert.Equal(committed.Concat(after), ReadAll(log3));
        }
    }

    [Fact]
    public async Task A_torn_write_after_the_last_intact_commit_record_is_ignored()
    {
        var first = Enumerable.Range(0, 12).Select(i => $"first {i} ".PadRight(300, '.')).ToList();
        long firstCommit;
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var (device, commits, log) = Open();
            foreach (var entry in first)
            {
                log.Enqueue(Encoding.ASCII.GetBytes(entry));
            }

            await log.CommitAsync(cts.Token);
            firstCommit = log.CommittedUntilAddress;
            for (var i = 0; i < 12; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"second {i} ".PadRight(300, ',')));
            }

            await log.CommitAsync(cts.Token);
            Assert.True(log.CommittedUntilAddress > firstCommit + 1000);
            Crash(device, commits, log);
        }

        // The second commit's write torn: one byte of its first entry never reached the disk.
        var segment = Path.Combine(_directory.Path, "log", "blobs.log." + (firstCommit >> SegmentBits));
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = (firstCommit & ((1L << SegmentBits) - 1)) + 40;
            var original = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(original ^ 0xFF));
        }

        var (device2, commits2, log2) = Open();
        using (device2)
        using (commits2)
        using (log2)
        {
            Assert.Equal(firstCommit, log2.TailAddress);
            Assert.Equal(first, ReadAll(log2));
            Assert.DoesNotContain("second 5 ", SegmentText(), StringComparison.Ordinal);

            // And the log carries on from there.
            log2.Enqueue(Encoding.ASCII.GetBytes("third"));
            await log2.CommitAsync();
            Assert.Equal(first.Append("third"), ReadAll(log2));
        }
    }

    private (SegmentFileDevice Device, SlotCommitManager Commits, FasterLog Log) Open()
    {
        var directory = Path.Combine(_directory.Path, "log");
        var device = new SegmentFileDevice(Path.Combine(directory, "blobs.log"), startWriteback: false, direct: true, directMinBytes: 0, dataSync: true);
        var commits = new SlotCommitManager(Path.Combine(directory, "commits"), flushData: null, failed: null, NoSlotWrites);
        var log = new FasterLog(LogDeviceFactory.Settings(device, commits, fastCommit: true, pageSizeBits: 14, memorySizeBits: 16, SegmentBits));
        LogDeviceFactory.Recovered(device, log);
        return (device, commits, log);
    }

    /// <summary>No commit, no clean close: what the files hold is what a kill would leave (every write was data-synchronous).</summary>
    private static void Crash(SegmentFileDevice device, SlotCommitManager commits, FasterLog log)
    {
        log.Dispose();
        commits.Dispose();
        device.Dispose();
    }

    private string SegmentText() => string.Concat(Directory.GetFiles(Path.Combine(_directory.Path, "log"), "blobs.log.*").Select(f => Encoding.ASCII.GetString(File.ReadAllBytes(f))));

    private static List<string> ReadAll(FasterLog log)
    {
        var entries = new List<string>();
        using var iterator = log.Scan(log.BeginAddress, log.TailAddress);
        while (iterator.GetNext(out var entry, out var length, out _))
        {
            entries.Add(Encoding.ASCII.GetString(entry, 0, length));
        }

        return entries;
    }

    private static async Task WriteAsync(SegmentFileDevice device, byte[] data, int segment, ulong offset)
    {
        var done = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            device.WriteAsync(handle.AddrOfPinnedObject(), segment, offset, (uint)data.Length, (error, _, _) => done.SetResult(error), data);
            Assert.Equal(0u, await done.Task.WaitAsync(Timeout));
        }
        finally
        {
            handle.Free();
        }
    }
}
