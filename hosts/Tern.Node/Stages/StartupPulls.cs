using Microsoft.Extensions.Logging;
using Tern.Engine.Pending;
using Tern.Engine.Pull;

namespace Tern.Node.Stages;

/// <summary>
/// Queues, at start, the pulls of every reference the pending table holds whose recipient wants it pulled at once. The
/// table is the durable record of what waits: a pull a stop, a crash or a <c>kill -9</c> cut leaves its reference there,
/// and the sender's retransmissions of it are duplicates that queue nothing, so without this nothing would pull it again.
/// Runs once the node is ready (the client API's users have set their preferences by then), in the background, and
/// never holds more than half the worker's queue, so the pulls the ingest queues meanwhile still find room.
/// <para>First come the pulls the pull journal saw begin and not end (docs/ARCHITECTURE.md §5.6): their sender may have
/// counted the delivery fetched and stopped notifying, and their reference may have been filed after the table's last
/// checkpoint. Each is filed again if the table lost it (a client lists it after its cursor) and queued whatever the
/// recipient's preference (the pull had begun); one already stored only gets its ended record.</para>
/// </summary>
internal sealed class StartupPulls(TernNode node, PullWorker puller, int queueCapacity, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await node.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A start that failed (the stages unwind) or a stop before ready: nothing to queue, and the stop must go on.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        try
        {
            await ResumeJournalPullsAsync(cancellationToken).ConfigureAwait(false);

            // The scan walks the whole capability store and its iterator allocates page frames: not for an empty table.
            if (node.Pending.Count == 0)
            {
                return;
            }

            var queued = 0;
            foreach (var hash in node.Pending.LiveRecipientHashes())
            {
                var cursor = 0UL;
                while (true)
                {
                    while (puller.Outstanding > queueCapacity / 2)
                    {
                        await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    }

                    var (count, next) = puller.EnqueueImmediate(hash, node.Preferences, cursor);
                    queued += count;
                    if (next <= cursor)
                    {
                        break;
                    }

                    cursor = next;
                }
            }

            if (queued > 0)
            {
                NodeLogMessages.PullsResumed(logger, queued);
            }
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // The scan is a help, not a stage: its failure leaves the references pending for clients and retransmissions.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NodeLogMessages.StartupPullsFailed(logger, e);
        }
    }

    /// <summary>Files again and queues each pull the journal holds open from the last run; ends those already stored.</summary>
    private async Task ResumeJournalPullsAsync(CancellationToken cancellationToken)
    {
        if (node.PullJournal is not { Unfinished.Count: > 0 } journal)
        {
            return;
        }

        int refiled = 0, stored = 0, queued = 0;
        foreach (var (hash, journaled) in journal.Unfinished)
        {
            var capability = journaled.Capability;
            if (node.Messages.Contains(hash, capability))
            {
                if (node.Pending.Find(capability, out _) is not null)
                {
                    node.Pending.Remove(capability, PendingRemoval.Fetched);
                }

                journal.End(capability);
                stored++;
                continue;
            }

            var reference = node.Pending.Find(capability, out var filedUnder);
            if (reference is null)
            {
                var filed = node.Pending.Refile(hash, journaled);
                refiled += filed.Status == PendingInsertStatus.Inserted ? 1 : 0;
                reference = node.Pending.Find(capability, out filedUnder);
            }

            while (puller.Outstanding > queueCapacity / 2)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            // Not filed (a cap reached, a retraction's tombstone): the pull still runs from the journal's copy; what it
            // finds decides (stored, or not found once retracted).
            queued += puller.TryEnqueue(reference is null ? hash : filedUnder, reference ?? journaled) ? 1 : 0;
        }

        NodeLogMessages.JournalPullsResumed(logger, journal.Unfinished.Count, refiled, stored, queued);
    }
}
