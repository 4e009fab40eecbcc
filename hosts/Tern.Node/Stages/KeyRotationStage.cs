using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Node.Stages;

/// <summary>
/// Moves the domain's key rotation on (docs/PROTOCOL.md §16.6): looks at the key directory every
/// <see cref="TernNodeOptions.KeyRotationPollInterval"/> (a rotation begun by <c>tern keys rotate-domain</c> while the node
/// runs) and at each instant the rotation has due (<c>rotates_at</c>, <c>previous_until</c>), and hands every change to the
/// parts that hold keys: the node's current key set, the known peers' derived keys, the sender. The ingest loops and the
/// descriptor follow the rotation themselves. Nothing restarts.
/// </summary>
internal sealed class KeyRotationStage : IHostedService, IDisposable
{
    private readonly TernNode _node;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public KeyRotationStage(TernNode node, ILoggerFactory loggers)
    {
        _node = node;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _node.KeyRotation.Changed += Apply;
        var snapshot = _node.KeyRotation.Snapshot;
        if (snapshot.State != KeyRotationState.None)
        {
            Log(snapshot);
        }

        _loop = LoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _node.KeyRotation.Changed -= Apply;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var poll = _node.Options.KeyRotationPollInterval;
        var directory = TernDataDirectory.Keys(_node.Options.DataDirectory);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = poll;
            try
            {
                if (_node.KeyRotation.Refresh() is { } due)
                {
                    var untilDue = due - DateTimeOffset.UtcNow;
                    wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
                }
            }
#pragma warning disable CA1031 // A bad or half-written file must not end the loop: the keys in use stay and the next look tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                NodeLogMessages.KeyRotationFailed(_logger, directory, e);
            }

            try
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A new state: the node signs and sends with its current key set, and the known peers are derived for it.</summary>
    private void Apply(KeyRotationSnapshot snapshot)
    {
        var current = snapshot.Current;
        if (!ReferenceEquals(current, _node.Keys))
        {
            _node.Keys = current;
            _node.Scheduler.UseKeys(current);
            _node.KnownPeers.Rekey(current);
        }

        Log(snapshot);
    }

    private void Log(KeyRotationSnapshot snapshot)
        => NodeLogMessages.KeyRotationChanged(_logger, snapshot.State switch
        {
            KeyRotationState.Announced => "announced",
            KeyRotationState.Rotated => "rotated",
            _ => "previous key set retired",
        }, snapshot.Current.Fingerprint, new Bytes32(snapshot.Current.AgreementPublicKey).ToString(), snapshot.PreviousUntil);
}
