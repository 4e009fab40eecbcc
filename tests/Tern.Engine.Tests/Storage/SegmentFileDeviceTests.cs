using System.Runtime.InteropServices;
using System.Text;
using FASTER.core;
using Tern.Engine.Storage;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Storage;

/// <summary>
/// The segment-file log device on real files: segment files named as FASTER names them, writes and reads completed off
/// the caller's thread, one sync per dirty segment, direct writes where aligned and page-cache writes otherwise, and —
/// through FasterLog and the slot commit manager, written either way — pages that reached the files but were never
/// committed stay invisible after a reopen.
/// </summary>
public sealed class SegmentFileDeviceTests : IDisposable
{
    private const int SegmentBits = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tern-tests", "device-" + Guid.NewGuid().ToString("N"));

    public SegmentFileDeviceTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Writes_land_in_named_segments_complete_off_the_callers_thread_and_sync_once_per_dirty_segment()
    {
        var path = Path.Combine(_directory, "d", "blobs.log");
        using var device = new SegmentFileDevice(path, startWriteback: false);
        device.Initialize(1L << SegmentBits);

        var page = Pattern(4096, 1);
        var other = Pattern(4096, 2);
        var results = await Task.WhenAll(
            WriteAsync(device, page, segment: 0, offset: 0),
            WriteAsync(device, other, segment: 2, offset: 4096),
            WriteAsync(device, other, segment: 0, offset: 8192));
        foreach (var (error, bytes, synchronous) in results)
        {
            Assert.Equal(0u, error);
            Assert.Equal(4096u, bytes);
            Assert.False(synchronous);
        }

        Assert.True(File.Exists(path + ".0"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".1"));
        Assert.Equal(page, File.ReadAllBytes(path + ".0").AsSpan(0, 4096).ToArray());
        Assert.Equal(other, File.ReadAllBytes(path + ".2").AsSpan(4096, 4096).ToArray());

        Assert.Equal(2, device.DirtySegments);
        device.FlushDirty();
        Assert.Equal(2, device.SegmentSyncs);
        Assert.Equal(0, device.DirtySegments);
        device.FlushDirty();
        Assert.Equal(2, device.SegmentSyncs);

        await WriteAsync(device, page, segment: 2, offset: 0);
        device.FlushDirty();
        Assert.Equal(3, device.SegmentSyncs);

        var (readError, read, readBack) = await ReadAsync(device, segment: 0, offset: 8192, length: 4096);
        Assert.Equal(0u, readError);
        Assert.Equal(4096u, read);
        Assert.Equal(other, readBack);

        // A segment never written reads as empty and is not created by the read.
        var (absentError, absentRead, _) = await ReadAsync(device, segment: 5, offset: 0, length: 4096);
        Assert.Equal(0u, absentError);
        Assert.Equal(0u, absentRead);
        Assert.False(File.Exists(path + ".5"));

        device.RemoveSegment(0);
        Assert.False(File.Exists(path + ".0"));
        Assert.True(File.Exists(path + ".2"));
    }

    [SkippableFact]
    public async Task Long_aligned_writes_go_direct_and_short_or_unaligned_ones_through_the_page_cache_into_the_same_file()
    {
        var path = Path.Combine(_directory, "direct", "blobs.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path + ".probe", []);
        using (var probe = DirectFile.TryOpenForWrite(path + ".probe"))
        {
            Skip.If(probe is null, "this file system or platform refuses O_DIRECT");
        }

        using var device = new SegmentFileDevice(path, startWriteback: true, direct: true);
        device.Initialize(1L << SegmentBits);
        Assert.Equal((uint)DirectFile.Alignment, device.SectorSize);

        // A whole segment (a full page's flush) goes direct.
        var full = Pattern(SegmentFileDevice.DirectMinBytes, 3);
        var fullMemory = AlignedCopy(full);
        try
        {
            var (error, bytes) = await WriteAsync(device, fullMemory, full.Length, segment: 0, offset: 0);
            Assert.Equal((0u, (uint)full.Length), (error, bytes));
        }
        finally
        {
            FreeAligned(fullMemory);
        }

        Assert.Equal(1, device.DirectWrites);

        // An aligned write shorter than DirectMinBytes (a commit's partial tail page) goes through the page cache, where
        // the fetch that follows reads it, and so does an unaligned one.
        var tail = Pattern(8192, 5);
        var tailMemory = AlignedCopy(tail);
        try
        {
            var (error, bytes) = await WriteAsync(device, tailMemory, tail.Length, segment: 1, offset: 8192);
            Assert.Equal((0u, 8192u), (error, bytes));
        }
        finally
        {
            FreeAligned(tailMemory);
        }

        var unaligned = Pattern(512, 4);
        var (unalignedError, unalignedBytes, _) = await WriteAsync(device, unaligned, segment: 1, offset: 512);
        Assert.Equal((0u, 512u), (unalignedError, unalignedBytes));
        Assert.Equal(1, device.DirectWrites);

        Assert.Equal(full, File.ReadAllBytes(path + ".0"));
        var file = File.ReadAllBytes(path + ".1");
        Assert.Equal(16384, file.Length);
        Assert.Equal(unaligned, file.AsSpan(512, 512).ToArray());
        Assert.Equal(tail, file.AsSpan(8192, 8192).ToArray());
        var (readError, read, readBack) = await ReadAsync(device, segment: 0, offset: 8192, length: 8192);
        Assert.Equal((0u, 8192u), (readError, read));
        Assert.Equal(full.AsSpan(8192, 8192).ToArray(), readBack);

        // Direct writes are no more durable than the others until the commit's sync.
        Assert.Equal(2, device.DirtySegments);
        device.FlushDirty();
        Assert.Equal(2, device.SegmentSyncs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pages_that_reached_the_files_but_were_never_committed_are_not_visible_after_reopen(bool direct)
    {
        var logPath = Path.Combine(_directory, "log", "blobs.log");
        var commitDirectory = Path.Combine(_directory, "log", "commits");
        var committed = Enumerable.Range(0, 20).Select(i => $"committed {i} ".PadRight(900, '.')).ToList();
        long committedTail;
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var (device, commits, log) = Open(logPath, commitDirectory, direct);
            foreach (var entry in committed)
            {
                log.Enqueue(Encoding.ASCII.GetBytes(entry));
            }

            await log.CommitAsync(cts.Token);
            committedTail = log.CommittedUntilAddress;

            // Four times the log's memory: FasterLog has to write these pages to the device to make room.
            for (var i = 0; i < 280; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"UNCOMMITTED {i} ".PadRight(900, '!')));
            }

            while (log.FlushedUntilAddress < committedTail + (3 << 16))
            {
                await Task.Delay(5, cts.Token);
            }

            // A crash: no commit, no clean close.
            log.Dispose();
            commits.Dispose();
            device.Dispose();
        }

        // The uncommitted pages are in the segment files, as a crash after their writeback would leave them.
        var onDisk = string.Concat(Directory.GetFiles(Path.GetDirectoryName(logPath)!, "blobs.log.*").Select(f => Encoding.ASCII.GetString(File.ReadAllBytes(f))));
        Assert.Contains("UNCOMMITTED 100 ", onDisk, StringComparison.Ordinal);

        var after = new List<string>();
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var (device, commits, log) = Open(logPath, commitDirectory, direct);
            Assert.Equal(committedTail, log.TailAddress);
            Assert.Equal(committed, ReadAll(log));

            // New entries go where the uncommitted ones were; none of those comes back between them.
            for (var i = 0; i < 30; i++)
            {
                after.Add($"after {i} ".PadRight(700, '-'));
                log.Enqueue(Encoding.ASCII.GetBytes(after[^1]));
            }

            await log.CommitAsync(cts.Token);
            log.Dispose();
            commits.Dispose();
            device.Dispose();
        }

        var (device3, commits3, log3) = Open(logPath, commitDirectory, direct);
        using (device3)
        using (commits3)
        using (log3)
        {
            Assert.Equal(committed.Concat(after), ReadAll(log3));
        }
    }

    private static (SegmentFileDevice Device, SlotCommitManager Commits, FasterLog Log) Open(string logPath, string commitDirectory, bool direct)
    {
        // Every aligned write direct, however short: this log's pages are smaller than DirectMinBytes.
        var device = new SegmentFileDevice(logPath, startWriteback: false, direct, directMinBytes: 0);
        var commits = new SlotCommitManager(commitDirectory, device.FlushDirty);
        var log = new FasterLog(new FasterLogSettings
        {
            LogDevice = device,
            LogCommitManager = commits,
            PageSizeBits = 14,
            MemorySizeBits = 16,
            SegmentSizeBits = SegmentBits,
        });
        return (device, commits, log);
    }

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

    private static unsafe nint AlignedCopy(byte[] data)
    {
        var memory = NativeMemory.AlignedAlloc((nuint)data.Length, DirectFile.Alignment);
        data.CopyTo(new Span<byte>(memory, data.Length));
        return (nint)memory;
    }

    private static unsafe void FreeAligned(nint memory) => NativeMemory.AlignedFree((void*)memory);

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Writes and waits for the callback; <c>Synchronous</c> says whether the callback ran inside the device's
    /// <c>WriteAsync</c> call on the caller's stack. (A thread id compared after the await cannot tell: the caller's pool
    /// thread is free again by then and may well run the completion.)
    /// </summary>
    private static async Task<(uint Error, uint Bytes, bool Synchronous)> WriteAsync(SegmentFileDevice device, byte[] data, int segment, ulong offset)
    {
        var done = new TaskCompletionSource<(uint, uint, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            var caller = Environment.CurrentManagedThreadId;
            var inCall = 1;
            device.WriteAsync(handle.AddrOfPinnedObject(), segment, offset, (uint)data.Length,
                (error, bytes, _) => done.SetResult((error, bytes, Volatile.Read(ref inCall) == 1 && Environment.CurrentManagedThreadId == caller)), data);
            Volatile.Write(ref inCall, 0);
            return await done.Task.WaitAsync(Timeout);
        }
        finally
        {
            handle.Free();
        }
    }

    private static async Task<(uint Error, uint Bytes)> WriteAsync(SegmentFileDevice device, nint memory, int length, int segment, ulong offset)
    {
        var done = new TaskCompletionSource<(uint, uint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.WriteAsync(memory, segment, offset, (uint)length, (error, bytes, _) => done.SetResult((error, bytes)), device);
        return await done.Task.WaitAsync(Timeout);
    }

    private static async Task<(uint Error, uint Bytes, byte[] Data)> ReadAsync(SegmentFileDevice device, int segment, ulong offset, int length)
    {
        var data = new byte[length];
        var done = new TaskCompletionSource<(uint, uint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            device.ReadAsync(segment, offset, handle.AddrOfPinnedObject(), (uint)length, (error, bytes, _) => done.SetResult((error, bytes)), data);
            var (error, bytes) = await done.Task.WaitAsync(Timeout);
            return (error, bytes, data);
        }
        finally
        {
            handle.Free();
        }
    }
}
