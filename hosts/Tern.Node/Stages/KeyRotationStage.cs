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
/// parts that hold keys: the node's current key set, the known peers' derived keys, the sender, the users' published key
/// records (re-signed with the new signing key in the background, §16.4, and at start whatever a crash left undone). The
/// ingest loops and the descriptor follow the rotation themselves. Nothing restarts.
/// </summary>
internal sealed class KeyRotationStage : IHostedService, IDisposable
{
    private readonly TernNode _node;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _resign = new(0);
    private Task _loop = Task.CompletedTask;
    private Task _resigning = Task.CompletedTask;

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
        _resigning = ResignLoopAsync(_stopping.Token);
        _resign.Release(); // bundles a crash left signed by the previous key are finished at start
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _node.KeyRotation.Changed -= Apply;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _resigning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _resign.Dispose();
    }

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

    /// <summary>Re-signs the users' bundles off the caller's thread (one file write each), whenever asked, until the stop.</summary>
    private async Task ResignLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _resign.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var resigned = await Task.Run(() => _node.UserKeys.ResignAll(cancellationToken), cancellationToken).ConfigureAwait(false);
                if (resigned > 0)
                {
                    NodeLogMessages.UserKeysResigned(_logger, resigned, _node.UserKeys.DomainSigningKey);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
#pragma warning disable CA1031 // A full disk or an unreadable file must not end the loop: the bundles left keep the previous key's signature.
            catch (Exception e)
#pragma warning restore CA1031
            {
                NodeLogMessages.UserKeysResignFailed(_logger, e);
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
            // §16.4: from rotates_at the domain's users' records are signed with the new key; those published are re-signed.
            _node.UserKeys.UseKeys(current);
            _resign.Release();
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
