using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using FASTER.core;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Storage;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Data durable, then commit record durable (docs/ARCHITECTURE.md §3.1): a transit log on the page-cache device syncs
/// every segment it wrote before the slot naming those bytes is written, and a sync that fails fails the commit (and
/// the store's commit loop) instead of leaving it waiting.
/// </summary>
public sealed class CommitDurabilityTests : IDisposable
{
    private const int SegmentBits = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_commit_syncs_the_segments_it_wrote_before_it_writes_its_slot()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var commitDirectory = Path.Combine(_directory.Path, "commits");
        using var device = new SegmentFileDevice(Path.Combine(_directory.Path, "blobs.log"), startWriteback: false);
        var flushes = new List<(long NewestSlotBefore, int DirtyBefore)>();
        SlotCommitManager? commits = null;

        // The seam: the flush the commit manager runs first. It records what the slots held and how many segments were
        // dirty when it ran, then does the device's real flush.
        commits = new SlotCommitManager(commitDirectory, () =>
        {
            flushes.Add((commits!.ListCommits().DefaultIfEmpty(-1).Max(), device.DirtySegments));
            device.FlushDirty();
        });
        using (commits)
        using (var log = new FasterLog(new FasterLogSettings { LogDevice = device, LogCommitManager = commits, PageSizeBits = 14, MemorySizeBits = 16, SegmentSizeBits = SegmentBits }))
        {
            for (var round = 0; round < 5; round++)
            {
                var from = log.TailAddress;

                // Two and a half segments of entries per round.
                for (var i = 0; i < 170; i++)
                {
                    log.Enqueue(Encoding.ASCII.GetBytes($"{round}/{i} ".PadRight(1000, '.')));
                }

                var syncsBefore = device.SegmentSyncs;
                var flushesBefore = flushes.Count;
                await log.CommitAsync(cts.Token);
                var newest = commits.ListCommits().Max();

                Assert.True(flushes.Count > flushesBefore, $"round {round}: the commit wrote its slot without flushing the log's data");
                var flush = flushes[^1];
                Assert.True(flush.NewestSlotBefore < newest, $"round {round}: slot {newest} was written before the data was flushed");
                Assert.True(flush.DirtyBefore > 0, $"round {round}: nothing was dirty when the commit flushed");

                // One fdatasync per segment the round wrote (the previous tail's segment included), none left dirty.
                var segments = ((log.TailAddress - 1) >> SegmentBits) - (from >> SegmentBits) + 1;
                Assert.Equal(segments, device.SegmentSyncs - syncsBefore);
                Assert.Equal(0, device.DirtySegments);
            }
        }
    }

    [Fact]
    public async Task A_failed_data_sync_leaves_the_slot_unwritten_and_fails_the_group_commit()
    {
        var failure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = false;
        using var device = new SegmentFileDevice(Path.Combine(_directory.Path, "journal.log"), startWriteback: false);
        using var commits = new SlotCommitManager(
            Path.Combine(_directory.Path, "commits"),
            () =>
            {
                if (Volatile.Read(ref failing))
                {
                    throw new IOException("injected fdatasync failure");
                }

                device.FlushDirty();
            },
            ex => failure.TrySetException(ex));
        using var log = new FasterLog(new FasterLogSettings { LogDevice = device, LogCommitManager = commits, PageSizeBits = 14, MemorySizeBits = 16, SegmentSizeBits = SegmentBits });
        using var meter = new Meter(nameof(CommitDurabilityTests));
        var committer = new GroupCommitter(log, _ => { }, failure.Task, meter.CreateHistogram<double>("commit"), NullLogger.Instance, TimeSpan.Zero);
        committer.Start();
        try
        {
            await committer.EnqueueAsync(Entry("first")).WaitAsync(Timeout);
            var slotsBefore = commits.ListCommits().ToList();

            Volatile.Write(ref failing, true);
            var error = await Assert.ThrowsAsync<IOException>(() => committer.EnqueueAsync(Entry("second")).WaitAsync(Timeout));
            Assert.Contains("injected", error.InnerException?.Message ?? "", StringComparison.Ordinal);
            Assert.Equal(slotsBefore, commits.ListCommits());

            // The loop stays failed: nothing more is accepted as if it could be made durable.
            Assert.Throws<IOException>(() => { _ = committer.EnqueueAsync(Entry("third")); });
        }
        finally
        {
            // Bounded: a commit loop still waiting for the failed commit would never stop.
            await committer.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }

    private static JournalOp Entry(string text)
    {
        var record = ArrayPool<byte>.Shared.Rent(64);
        var length = Encoding.ASCII.GetBytes(text, record);
        return new JournalOp(record, length, null);
    }
}
