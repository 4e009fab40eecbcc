using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Loops;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// Bridges the ingest loop to the <see cref="PullWorker"/>: the sink hands over (capability, hash, sequence) without
/// blocking or allocating a reference object; a pump task reads the reference back from the pending table and queues it
/// on the worker. A reference removed in between (a client fetched it, the sender retracted it) is skipped.
/// </summary>
public sealed class ImmediatePullQueue : IImmediatePullQueue, IAsyncDisposable
{
    private readonly PendingTable _pending;
    private readonly PullWorker _worker;
    private readonly ILogger _logger;
    private readonly Channel<(FetchCapability Capability, RecipientHash Hash, ulong Sequence)> _channel;
    private Task _pump = Task.CompletedTask;
    private long _handedOver;
    private long _vanished;
    private long _refused;

    /// <summary>Creates the queue; call <see cref="Start"/> to begin handing references to <paramref name="worker"/>.</summary>
    /// <param name="pending">The table the ingest files references in.</param>
    /// <param name="worker">The started worker that pulls them.</param>
    /// <param name="capacity">How many references may wait here; beyond it the ingest leaves them pending for a client.</param>
    /// <param name="logger">Where a reference the pump could not hand over is reported.</param>
    public ImmediatePullQueue(PendingTable pending, PullWorker worker, int capacity = 10_000, ILogger<ImmediatePullQueue>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _pending = pending;
        _worker = worker;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // Wait mode: TryWrite then answers false when full (DropWrite would answer true and drop the item).
        _channel = Channel.CreateBounded<(FetchCapability, RecipientHash, ulong)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>References handed to the worker.</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    /// <summary>References gone from the table before the pump reached them.</summary>
    public long Vanished => Interlocked.Read(ref _vanished);

    /// <summary>References the worker's own queue refused (full): they stay pending.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>References the pump failed to read back or hand over (<see cref="LoopErrorKind.Unexpected"/>): they stay pending, the pump goes on.</summary>
    public LoopErrors Errors { get; } = new();

    /// <summary>Starts the pump.</summary>
    public void Start() => _pump = Task.Run(PumpAsync);

    /// <inheritdoc />
    public bool TryEnqueue(FetchCapability capability, RecipientHash recipientHash, ulong sequence)
        => sequence > 0 && _channel.Writer.TryWrite((capability, recipientHash, sequence));

    private async Task PumpAsync()
    {
        await foreach (var (capability, hash, sequence) in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                HandOver(capability, hash, sequence);
            }
#pragma warning disable CA1031 // One reference that cannot be read back (a table error) must not end the pump for all later ones.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
                {
                    PullLogMessages.HandOverFailed(_logger, capability.ToString(), unlogged, ex);
                }
            }
        }
    }

    private void HandOver(FetchCapability capability, RecipientHash hash, ulong sequence)
    {
        // The reference filed at `sequence` is the first one after `sequence - 1`, unless it is gone already.
        var page = _pending.Poll(hash, sequence - 1, 1);
        if (page.References.Count == 0 || page.References[0].Capability != capability)
        {
            Interlocked.Increment(ref _vanished);
        }
        else if (_worker.TryEnqueue(hash, page.References[0]))
        {
            Interlocked.Increment(ref _handedOver);
        }
        else
        {
            Interlocked.Increment(ref _refused);
        }
    }

    /// <summary>Stops taking references and waits for the pump to hand over what it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }
}
