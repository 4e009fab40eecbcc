using System.Text;
using FASTER.core;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// The transit logs' commit metadata in two slots of one file: a log reopened from the files as a crash leaves them
/// recovers every committed entry, a torn newest slot falls back to the previous commit, and a log whose commits were
/// written by FASTER's own manager (a store from before) still recovers and carries on.
/// </summary>
public sealed class SlotCommitManagerTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_crash_image_recovers_every_committed_entry_from_the_slots()
    {
        var live = Path.Combine(_directory.Path, "live");
        using (var device = Devices.CreateLogDevice(Path.Combine(live, "l.log")))
        using (var commits = new SlotCommitManager(Path.Combine(live, "commits")))
        using (var log = new FasterLog(Settings(device, commits)))
        {
            for (var i = 0; i < 50; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"entry {i}"));
                await log.CommitAsync();
            }

            // One file, overwritten in place: no file per commit.
            Assert.Equal(["commit.slots"], Directory.GetFiles(Path.Combine(live, "commits")).Select(Path.GetFileName));
            CopyDirectory(live, Path.Combine(_directory.Path, "crashed"));
        }

        var crashed = Path.Combine(_directory.Path, "crashed");
        using var device2 = Devices.CreateLogDevice(Path.Combine(crashed, "l.log"));
        using var commits2 = new SlotCommitManager(Path.Combine(crashed, "commits"));
        using var recovered = new FasterLog(Settings(device2, commits2));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"entry {i}"), ReadAll(recovered));
    }

    [SkippableFact]
    public async Task The_slots_are_written_data_synchronously_without_making_the_files_times_durable()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads the open flags from /proc");
        var directory = Path.Combine(_directory.Path, "flags");
        using (var commits = new SlotCommitManager(directory))
        {
            // O_DSYNC (every write durable when it returns) without O_SYNC's extra bit (the inode's times too).
            var flags = OpenFlags(Path.Combine(directory, "commit.slots"));
            Assert.NotEqual(0, flags & DataSync);
            Assert.Equal(0, flags & FullSyncOnly);

            // Written and read back through that handle, as a commit and a recovery do.
            using var device = Devices.CreateLogDevice(Path.Combine(directory, "l.log"));
            using var log = new FasterLog(Settings(device, commits));
            log.Enqueue(Encoding.ASCII.GetBytes("entry"));
            await log.CommitAsync();
            Assert.Single(commits.ListCommits());
        }

        // The contrast that makes the check above mean something: .NET's write-through opens O_SYNC.
        var other = Path.Combine(directory, "write-through");
        File.WriteAllBytes(other, new byte[16]);
        using var writeThrough = File.OpenHandle(other, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, FileOptions.WriteThrough);
        Assert.NotEqual(0, OpenFlags(other) & FullSyncOnly);
    }

    [Fact]
    public void A_torn_newest_slot_is_ignored_and_the_previous_commit_is_recovered()
    {
        var directory = Path.Combine(_directory.Path, "commits");
        using (var commits = new SlotCommitManager(directory))
        {
            commits.Commit(0, 100, [1, 2, 3], 7, false);
            commits.Commit(0, 200, [4, 5, 6], 8, false);
            Assert.Equal([8L, 7L], commits.ListCommits());
        }

        // Commit 7 went to slot 0, commit 8 to the other; tear its metadata.
        using (var file = new FileStream(Path.Combine(directory, "commit.slots"), FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096 + 49;
            file.WriteByte(0xFF);
        }

        using var reopened = new SlotCommitManager(directory);
        Assert.Equal([7L], reopened.ListCommits());
        Assert.Equal(new byte[] { 1, 2, 3 }, reopened.GetCommitMetadata(7));
        Assert.Null(reopened.GetCommitMetadata(8));
    }

    [Fact]
    public void Under_fast_commit_slots_are_written_when_forced_or_due_and_a_torn_one_leaves_the_last_written()
    {
        var directory = Path.Combine(_directory.Path, "fast");
        using (var commits = new SlotCommitManager(directory, flushData: null, failed: null, metadataInterval: TimeSpan.FromHours(1)))
        {
            commits.Commit(0, 100, [1], 1, false);
            commits.Commit(0, 200, [2], 2, false);
            commits.Commit(0, 300, [3], 3, false);
            Assert.Equal(1, commits.SlotWrites);

            // A truncation forces its slot; the next two (commit numbers of the same parity) are not due.
            commits.Commit(64, 400, [4], 4, true);
            commits.Commit(64, 500, [5], 5, false);
            commits.Commit(64, 600, [6], 6, false);
            Assert.Equal(2, commits.SlotWrites);
            Assert.Equal([4L, 1L], commits.ListCommits());
        }

        // The next slot written goes over commit 1, never over the forced one, even when it tears.
        using (var commits = new SlotCommitManager(directory, flushData: null, failed: null, metadataInterval: TimeSpan.FromHours(1)))
        {
            commits.Commit(64, 800, [8], 8, false);
            Assert.Equal([8L, 4L], commits.ListCommits());
        }

        using (var file = new FileStream(Path.Combine(directory, "commit.slots"), FileMode.Open, FileAccess.Write))
        {
            file.Position = 48;
            file.WriteByte(0xFF);
        }

        using var reopened = new SlotCommitManager(directory);
        Assert.Equal([4L], reopened.ListCommits());
        Assert.Equal(new byte[] { 4 }, reopened.GetCommitMetadata(4));
    }

    [Fact]
    public async Task A_log_committed_by_fasters_own_files_recovers_and_continues_in_slots()
    {
        var path = Path.Combine(_directory.Path, "old");
        var commitDirectory = Path.Combine(path, "commits");
        using (var device = Devices.CreateLogDevice(Path.Combine(path, "l.log")))
        using (var log = new FasterLog(new FasterLogSettings { LogDevice = device, LogCommitDir = commitDirectory, PageSizeBits = 14, MemorySizeBits = 16, SegmentSizeBits = 16 }))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"old {i}"));
            }

            await log.CommitAsync();
        }

        for (var round = 0; round < 2; round++)
        {
            using var device = Devices.CreateLogDevice(Path.Combine(path, "l.log"));
            using var commits = new SlotCommitManager(commitDirectory);
            using var log = new FasterLog(Settings(device, commits));
            var expected = Enumerable.Range(0, 10).Select(i => $"old {i}").Concat(round == 1 ? ["new"] : []);
            Assert.Equal(expected, ReadAll(log));
            if (round == 0)
            {
                log.Enqueue(Encoding.ASCII.GetBytes("new"));
                await log.CommitAsync();
            }
        }
    }

    private static FasterLogSettings Settings(IDevice device, SlotCommitManager commits) => new()
    {
        LogDevice = device,
        LogCommitManager = commits,
        PageSizeBits = 14,
        MemorySizeBits = 16,
        SegmentSizeBits = 16,
    };

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

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    // O_DSYNC, and the bit O_SYNC adds to it (__O_SYNC), as /proc/<pid>/fdinfo prints them (octal).
    private const int DataSync = 0x1000;
    private const int FullSyncOnly = 0x100000;

    /// <summary>The open flags of this process's descriptor on <paramref name="path"/>.</summary>
    private static int OpenFlags(string path)
    {
        var target = Path.GetFullPath(path);
        foreach (var link in Directory.GetFiles("/proc/self/fd"))
        {
            string? resolved;
            try
            {
                resolved = new FileInfo(link).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }

            if (resolved == target)
            {
                var line = File.ReadAllLines(Path.Combine("/proc/self/fdinfo", Path.GetFileName(link))).First(l => l.StartsWith("flags:", StringComparison.Ordinal));
                return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
            }
        }

        throw new InvalidOperationException($"no open descriptor on {target}");
    }
}
