using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Pending;

namespace Tern.Node.Stages;

/// <summary>
/// The pending table's upkeep (<see cref="PendingMaintenanceOptions"/>): a log checkpoint every interval (every Nth a
/// full one) and the expiry sweep, each on its own loop. Right after the stores stage, so it stops just before the
/// stores close: a checkpoint in flight is awaited within the stop's checkpoint share, and the stop's own checkpoint
/// then finds little or nothing left to write. The transit store keeps its own sweep and checkpoint loop
/// (<c>Tern:Transit:CheckpointInterval</c>), which also reclaims expired blobs' bytes.
/// </summary>
internal sealed class PendingMaintenanceStage : IHostedService, IDisposable
{
    private readonly TernNode _node;
    private readonly PendingMaintenanceOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;

    public PendingMaintenanceStage(TernNode node, IOptions<PendingMaintenanceOptions> options, IOptions<PendingTableOptions> pending, ILoggerFactory loggers)
    {
        _node = node;
        _options = options.Value;
        _clock = pending.Value.TimeProvider;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var token = _stopping.Token;
        _loops = Task.WhenAll(
            _options.CheckpointInterval > TimeSpan.Zero ? CheckpointLoopAsync(token) : Task.CompletedTask,
            _options.SweepInterval > TimeSpan.Zero ? SweepLoopAsync(token) : Task.CompletedTask);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);

        // A checkpoint cannot be cut half-way (it holds the table's write lock): wait for it within the checkpoint's
        // share of the stop; the stores stage's own checkpoint queues behind it on the same lock if it runs over.
        try
        {
            await _loops.WaitAsync(_node.StopBudget.CheckpointLeft, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            NodeLogMessages.PendingCheckpointCut(_logger);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task CheckpointLoopAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        while (await WaitAsync(_options.CheckpointInterval, cancellationToken).ConfigureAwait(false))
        {
            // The first is full, so the table has an index checkpoint for the log checkpoints after it to replay from.
            var full = taken++ % _options.FullCheckpointEvery == 0;
            try
            {
                await (full ? _node.Pending.TakeCheckpointAsync(CancellationToken.None) : _node.Pending.TakeLogCheckpointAsync(CancellationToken.None)).ConfigureAwait(false);
                _node.PendingMaintenance.Checkpointed(full);
            }
#pragma warning disable CA1031 // A failed checkpoint (a full disk) must not end the loop: the next interval tries again, and the log says why.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _node.PendingMaintenance.Failed();
                NodeLogMessages.PendingMaintenanceFailed(_logger, "checkpoint", e);
            }
        }
    }

    private async Task SweepLoopAsync(CancellationToken cancellationToken)
    {
        while (await WaitAsync(_options.SweepInterval, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                // A scan of the capability log: off the caller's thread, and never overlapping the next (one loop).
                var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                var expired = await Task.Run(() => _node.Pending.SweepExpired(now), CancellationToken.None).ConfigureAwait(false);
                _node.PendingMaintenance.Swept(expired);
            }
#pragma warning disable CA1031 // As for the checkpoint: the next interval tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _node.PendingMaintenance.Failed();
                NodeLogMessages.PendingMaintenanceFailed(_logger, "expiry sweep", e);
            }
        }
    }

    /// <summary>Real time between rounds: the table's clock (a test's virtual one) says what has expired, not when to look.</summary>
    private static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
