using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tern.Node.Stages;

/// <summary>
/// The stages started so far, in order. A stage that fails to start has the ones before it stopped in reverse (the
/// Generic Host does not stop what it started when a later service throws), so a refused start still checkpoints and
/// closes the stores it opened; the host's own stop then finds nothing left to stop.
/// </summary>
internal sealed class NodeStages
{
    private readonly List<(string Name, IHostedService Stage)> _started = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger;

    public NodeStages(ILoggerFactory loggers) => _logger = loggers.CreateLogger("Tern.Node");

    public async Task StartAsync(string name, IHostedService stage, CancellationToken cancellationToken)
    {
        try
        {
            await stage.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            NodeLogMessages.StageStartFailed(_logger, name, e);

            // The failed stage may have opened part of what it owns: its stop releases what is there.
            await StopOneAsync(name, stage, CancellationToken.None).ConfigureAwait(false);
            (string Name, IHostedService Stage)[] started;
            lock (_lock)
            {
                started = [.. _started];
                _started.Clear();
            }

            for (var i = started.Length - 1; i >= 0; i--)
            {
                await StopOneAsync(started[i].Name, started[i].Stage, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        lock (_lock)
        {
            _started.Add((name, stage));
        }

        NodeLogMessages.StageStarted(_logger, name);
    }

    public async Task StopAsync(string name, IHostedService stage, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var index = _started.FindIndex(s => ReferenceEquals(s.Stage, stage));
            if (index < 0)
            {
                return;
            }

            _started.RemoveAt(index);
        }

        await StopOneAsync(name, stage, cancellationToken).ConfigureAwait(false);
    }

    private async Task StopOneAsync(string name, IHostedService stage, CancellationToken cancellationToken)
    {
        try
        {
            await stage.StopAsync(cancellationToken).ConfigureAwait(false);
            NodeLogMessages.StageStopped(_logger, name);
        }
#pragma warning disable CA1031 // One stage failing to stop must not keep the stages before it from stopping (the stores last).
        catch (Exception e)
#pragma warning restore CA1031
        {
            NodeLogMessages.StageStopFailed(_logger, name, e);
        }
    }
}
