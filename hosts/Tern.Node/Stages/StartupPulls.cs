using Microsoft.Extensions.Logging;
using Tern.Engine.Pull;

namespace Tern.Node.Stages;

/// <summary>
/// Queues, at start, the pulls of every reference the pending table holds whose recipient wants it pulled at once. The
/// table is the durable record of what waits: a pull a stop, a crash or a <c>kill -9</c> cut leaves its reference there,
/// and the sender's retransmissions of it are duplicates that queue nothing, so without this nothing would pull it again.
/// Runs once the node is ready (the client API's users have set their preferences by then), in the background, and
/// never holds more than half the worker's queue, so the pulls the ingest queues meanwhile still find room.
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

        // The scan walks the whole capability store and its iterator allocates page frames: not for an empty table.
        if (node.Pending.Count == 0)
        {
            return;
        }

        try
        {
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
}
