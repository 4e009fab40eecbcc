using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>
/// The pull worker and its journal (docs/ARCHITECTURE.md §5.6): a pull is recorded before its first fetch and ended once
/// stored; one that failed for a reason that may pass stays open for the next start; the cost on the pull path is one
/// data-synchronous journal write a pull at most, shared by the pulls that begin together.
/// </summary>
public sealed class PullJournalPathTests
{
    [Fact]
    public async Task A_stored_pull_leaves_nothing_to_resume_and_its_record_was_durable_before_the_sender_saw_a_fetch()
    {
        await using var p = await PullFixture.StartAsync();
        var journal = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory, Durable = true });
        var (hash, reference, content) = await p.NotifyAsync(300_000, 11, [p.FramedHint()]);
        await using (var worker = p.Worker(journal: journal))
        {
            Assert.Equal(PullOutcome.Stored, (await worker.PullAsync(hash, reference)).Outcome);
        }

        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Equal(1, journal.Writes);
        Assert.Equal(0, journal.OpenCount);
        await journal.DisposeAsync();

        await using var reopened = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory });
        Assert.Empty(reopened.Unfinished);
    }

    [Fact]
    public async Task A_pull_that_failed_for_a_reason_that_may_pass_stays_open_for_the_next_start()
    {
        await using var p = await PullFixture.StartAsync();
        await using (var journal = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory }))
        {
            // Nobody listens on the hint's port: every attempt fails, and the sender may be back later.
            var (hash, reference, _) = await p.NotifyAsync(1000, 12, ["tern+tcp://127.0.0.1:9"]);
            await using var worker = p.Worker(options: new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(1), AttemptsPerSource = 1 }, journal: journal);
            Assert.Equal(PullOutcome.Failed, (await worker.PullAsync(hash, reference)).Outcome);
            Assert.True(journal.IsOpen(reference.Capability));
        }

        await using var reopened = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory });
        Assert.Single(reopened.Unfinished);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sequential_pulls_cost_one_journal_write_each_and_concurrent_ones_share_them(bool journaled)
    {
        const int Pulls = 20;
        await using var p = await PullFixture.StartAsync();
        var journal = journaled ? PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory, Durable = true }) : null;
        await using var worker = p.Worker(journal: journal);
        for (var i = 0; i < Pulls; i++)
        {
            var (hash, reference, _) = await p.NotifyAsync(1000, 100 + i, [p.FramedHint()]);
            Assert.Equal(PullOutcome.Stored, (await worker.PullAsync(hash, reference)).Outcome);
        }

        var notified = new List<(Tern.Engine.Protocol.RecipientHash, Tern.Engine.Pending.PendingReference)>();
        for (var i = 0; i < Pulls; i++)
        {
            var (hash, reference, _) = await p.NotifyAsync(1000, 200 + i, [p.FramedHint()]);
            notified.Add((hash, reference));
        }

        var results = await Task.WhenAll(notified.Select(n => Task.Run(() => worker.PullAsync(n.Item1, n.Item2))));
        Assert.All(results, r => Assert.Equal(PullOutcome.Stored, r.Outcome));
        if (journal is not null)
        {
            Assert.Equal(0, journal.OpenCount);
            Assert.InRange(journal.Writes, Pulls + 1, 2 * Pulls);
            await journal.DisposeAsync();
        }
    }
}
