using System.Text;
using FASTER.core;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// The transit logs' commit settings (fast commit mode, sparse metadata files): a commit is durable without a metadata
/// file of its own, and a log reopened from the files as a crash leaves them (copied while it is still open) recovers
/// every committed entry and its truncation.
/// </summary>
public sealed class TransitLogCommitTests : IDisposable
{
    private readonly TransitTestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Commits_without_metadata_files_recover_from_the_commit_records_in_the_log()
    {
        var live = Path.Combine(_directory.Path, "live");
        var options = new TransitStoreOptions { CommitMetadataEveryCommits = 1000 };
        using (var log = Open(live, options, out var device, out var commits))
        {
            for (var i = 0; i < 50; i++)
            {
                log.Enqueue(Encoding.ASCII.GetBytes($"entry {i}"));
                await log.CommitAsync();
            }

            // The first commit writes the scan's starting point; the next 49 only their commit records.
            Assert.Equal(1, commits.Written);
            CopyDirectory(live, Path.Combine(_directory.Path, "crashed"));
            commits.Dispose();
            device.Dispose();
        }

        using var recovered = Open(Path.Combine(_directory.Path, "crashed"), options, out var device2, out var commits2);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"entry {i}"), ReadAll(recovered));
        commits2.Dispose();
        device2.Dispose();
    }

    [Fact]
    public async Task Truncation_writes_metadata_before_segments_go_and_recovery_starts_there()
    {
        var live = Path.Combine(_directory.Path, "live");
        var options = new TransitStoreOptions { CommitMetadataEveryCommits = 1000 };
        long second;
        using (var log = Open(live, options, out var device, out var commits))
        {
            // 40 entries of 3000 bytes fill several 16 KiB pages and 64 KiB segments.
            var addresses = new List<long>();
            for (var i = 0; i < 40; i++)
            {
                addresses.Add(log.Enqueue(Encoding.ASCII.GetBytes($"entry {i:D2} ".PadRight(3000, '.'))));
                await log.CommitAsync();
            }

            second = addresses[30];
            log.TruncateUntilPageStart(second);
            var before = commits.Written;
            log.Enqueue(Encoding.ASCII.GetBytes("after truncation"));
            await log.CommitAsync();
            Assert.Equal(before + 1, commits.Written);
            Assert.True(log.BeginAddress > 0);

            CopyDirectory(live, Path.Combine(_directory.Path, "crashed"));
            commits.Dispose();
            device.Dispose();
        }

        using var recovered = Open(Path.Combine(_directory.Path, "crashed"), options, out var device2, out var commits2);
        var entries = ReadAll(recovered);
        Assert.True(recovered.BeginAddress > 0 && recovered.BeginAddress <= second);
        Assert.Equal("after truncation", entries[^1]);
        Assert.Contains("entry 30", entries);
        Assert.DoesNotContain("entry 00", entries);
        commits2.Dispose();
        device2.Dispose();
    }

    private static FasterLog Open(string directory, TransitStoreOptions options, out IDevice device, out SparseCommitManager commits)
    {
        Directory.CreateDirectory(directory);
        device = Devices.CreateLogDevice(Path.Combine(directory, "blobs.log"));
        return new FasterLog(TransitLogSettings.Create(device, Path.Combine(directory, "commits"), 14, 16, 16, options, out commits));
    }

    private static List<string> ReadAll(FasterLog log)
    {
        var entries = new List<string>();
        using var iterator = log.Scan(log.BeginAddress, log.TailAddress);
        while (iterator.GetNext(out var entry, out var length, out _))
        {
            entries.Add(Encoding.ASCII.GetString(entry, 0, length).TrimEnd('.').TrimEnd());
        }

        return entries;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
