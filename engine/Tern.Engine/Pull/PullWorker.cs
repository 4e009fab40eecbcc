using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Loops;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// Pulls blobs for pending references whose recipient wants them at once (<see cref="PullPreference.Immediately"/>):
/// checks that the notification's key belongs to the sender domain (docs/PROTOCOL.md §4.7), fetches from the fetch
/// hints and then the descriptor's doors, resuming with a range after a cut connection, verifies the size and every
/// chunk against the payload hash (§4.8), stores the blob in the recipient's <see cref="MessageStore"/> and removes the pending reference. The fetch itself
/// tells the sender the delivery is done (§9).
/// <para>Use <see cref="PullAsync"/> for one pull now, or <see cref="Start"/> then <see cref="TryEnqueue"/> for a bounded
/// queue served by <see cref="PullWorkerOptions.MaxConcurrentPulls"/> workers; <see cref="TryBeginOrEnqueue"/> begins a pull
/// on its caller's thread when a slot is free and nothing waits for one; <see cref="Completed"/> reports each result.
/// A queued pull that failed is queued again after a backoff until its reference expires (<see cref="PullWorkerOptions.RetryBackoff"/>).</para>
/// </summary>
public sealed partial class PullWorker : IAsyncDisposable
{
    private readonly PendingTable _pending;
    private readonly MessageStore _messages;
    private readonly IDescriptorResolver _descriptors;
    private readonly IFetchSourceFactory _sources;
    private readonly PullWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PullJournal? _journal;
    private readonly FairPullQueue _queue;
    private readonly ConcurrentDictionary<FetchCapability, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();

    // Pulls begun by TryBeginOrEnqueue's callers and not yet done, which disposal waits for as it does for the workers.
    private readonly Lock _directGate = new();
    private int _direct;
    private bool _directClosed;
    private TaskCompletionSource? _directDone;
    private Task[] _workers = [];

    /// <summary>
    /// Creates the worker; call <see cref="Start"/> to serve the queue. With a <paramref name="journal"/>, each pull is
    /// recorded in it, durably, before its first fetch is sent, and ended there once it is stored or given up for good
    /// (docs/ARCHITECTURE.md §5.6): a crash in between leaves it for the next start to resume.
    /// </summary>
    public PullWorker(PendingTable pending, MessageStore messages, IDescriptorResolver descriptors, IFetchSourceFactory sources, PullWorkerOptions options, ILogger<PullWorker>? logger = null, TimeProvider? timeProvider = null,
        PullJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _pending = pending;
        _messages = messages;
        _descriptors = descriptors;
        _sources = sources;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _journal = journal;
        Errors = new LoopErrors(_time);
        HandlerErrors = new LoopErrors(_time);
        _queue = new FairPullQueue(options.QueueCapacity, options.MaxQueuedPerSenderDomain, options.ConcurrentPerSenderDomain, options.MaxConcurrentPulls);
    }

    /// <summary>Raised after each queued pull, on a worker thread (or, for a pull that ends before its first wait, the thread that began it).</summary>
    public event Action<PullResult>? Completed;

    /// <summary>Queued pulls that threw (<see cref="LoopErrorKind.Unexpected"/>): the worker goes on to the next; logged once a minute at most.</summary>
    public LoopErrors Errors { get; }

    /// <summary><see cref="Completed"/> handlers that threw: the worker goes on; logged once a minute at most.</summary>
    public LoopErrors HandlerErrors { get; }

    /// <summary>
    /// Pulls <see cref="TryEnqueue"/> refused because the queue or their sender domain's share of it was full. Each
    /// reference stays pending for a client to poll and pull; a rising count says the pull queue, not the recipients'
    /// policies, is what holds references back.
    /// </summary>
    public long Deferred => Interlocked.Read(ref _deferred);

    /// <summary>Starts the workers that serve <see cref="TryEnqueue"/>.</summary>
    public void Start()
    {
        if (_workers.Length > 0)
        {
            return;
        }

        _workers = new Task[_options.MaxConcurrentPulls];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(() => WorkAsync(_stopping.Token));
        }
    }

    /// <summary>
    /// Queues a pull; false when the queue or its sender domain's share of it is full (the reference stays pending and can
    /// be pulled later). Sender domains are served in turn (<see cref="FairPullQueue"/>).
    /// </summary>
    public bool TryEnqueue(RecipientHash hash, PendingReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Interlocked.Increment(ref _outstanding);
        if (_queue.TryWrite(hash, reference))
        {
            return true;
        }

        Interlocked.Decrement(ref _outstanding);
        Interlocked.Increment(ref _deferred);
        return false;
    }

    /// <summary>
    /// Begins the pull on the calling thread when a slot is free, its sender domain is under its cap and has nothing
    /// queued, and no other pull waits in the queue for a slot (so it passes no one: <see cref="FairPullQueue.TryTake"/>);
    /// the call returns at the pull's first wait (the journal's write, a fetch), which goes on off this thread. Otherwise it
    /// queues the pull as <see cref="TryEnqueue"/> does, with the same answer. For a caller on a thread of its own that
    /// nothing else waits on (the <see cref="ImmediatePullQueue"/>'s pump): a worker's wake is a thread-pool hop, and on
    /// the path from a notification to its fetch every hop counts (docs/ARCHITECTURE.md §5.2). With
    /// <paramref name="journalHere"/> (nothing is queued behind the caller), the pull's journal record is written on
    /// the calling thread too when no journal write is under way, and the call returns at the fetch. Before
    /// <see cref="Start"/> and once disposing, it only queues.
    /// </summary>
    /// <param name="hash">The recipient hash the reference is filed under.</param>
    /// <param name="reference">The reference to pull.</param>
    /// <param name="journalHere">Nothing is queued behind the caller: the journal's write may run on its thread.</param>
    /// <param name="annotation">
    /// A line for the journal record of a pull begun here to carry, when that record is begun before the pull's first wait
    /// (docs/ARCHITECTURE.md §5.6). The caller releases it after the call: a pull queued, or one that waited first, does
    /// not carry it.
    /// </param>
    public bool TryBeginOrEnqueue(RecipientHash hash, PendingReference reference, bool journalHere = false, PullAnnotation? annotation = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!TryTakeSlot(reference.SenderDomain))
        {
            return TryEnqueue(hash, reference);
        }

        Interlocked.Increment(ref _outstanding);
        _ = RunBegunAsync(hash, reference, journalHere, annotation);
        return true;
    }

    /// <summary>
    /// Queues every pending reference of <paramref name="hash"/> whose sender the recipient pulls immediately, reading
    /// the table from <paramref name="afterCursor"/>. Returns how many were queued and the cursor to continue from.
    /// </summary>
    public (int Queued, ulong NextCursor) EnqueueImmediate(RecipientHash hash, IPullPreferences preferences, ulong afterCursor = 0)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var poll = _pending.Poll(hash, afterCursor, PendingTable.MaxPollLimit);
        var queued = 0;
        Span<byte> domain = stackalloc byte[DomainName.MaxLength];
        foreach (var reference in poll.References)
        {
            var length = System.Text.Encoding.ASCII.GetBytes(reference.SenderDomain, domain);
            if (preferences.Lookup(hash, domain[..length]) == PullPreference.Immediately && TryEnqueue(hash, reference))
            {
                queued++;
            }
        }

        return (queued, poll.NextCursor);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _queue.ReadAsync(cancellationToken).ConfigureAwait(false) is var (hash, reference))
            {
                if (!await RunTakenAsync(hash, reference, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A slot for a pull begun by its caller, when the worker has started, is not disposing and the queue lets it pass.</summary>
    private bool TryTakeSlot(string senderDomain)
    {
        lock (_directGate)
        {
            if (_workers.Length == 0 || _directClosed || !_queue.TryTake(senderDomain))
            {
                return false;
            }

            _direct++;
            return true;
        }
    }

    /// <summary>A pull <see cref="TryBeginOrEnqueue"/> began: served as a worker serves one, then counted off for disposal.</summary>
    private async Task RunBegunAsync(RecipientHash hash, PendingReference reference, bool journalHere, PullAnnotation? annotation)
    {
        try
        {
            await RunTakenAsync(hash, reference, _stopping.Token, journalHere, annotation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Nothing awaits this task: what a worker would die of is counted and logged instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
            {
                PullLogMessages.PullFailed(_logger, reference.Capability.ToString(), unlogged, ex);
            }
        }
        finally
        {
            lock (_directGate)
            {
                if (--_direct == 0)
                {
                    _directDone?.TrySetResult();
                }
            }
        }
    }

    /// <summary>
    /// Runs a pull the queue handed out (read or taken) and gives its slot back; false when cancelled (the worker stops).
    /// </summary>
    private async Task<bool> RunTakenAsync(RecipientHash hash, PendingReference reference, CancellationToken cancellationToken, bool journalHere = false, PullAnnotation? annotation = null)
    {
        PullResult result;
        try
        {
            result = await RunPullAsync(hash, reference, journalHere, cancellationToken, annotation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // One failed pull (a full disk, a store error) must not stop the worker; it is counted and logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
            {
                PullLogMessages.PullFailed(_logger, reference.Capability.ToString(), unlogged, ex);
            }

            result = Count(new PullResult(reference.Capability, PullOutcome.Failed, null, 0));
        }
        finally
        {
            // The slot goes back before the bookkeeping, so the next domain's pull is not held by it.
            _queue.Finished(reference.SenderDomain);
        }

        AfterPull(hash, reference, result.Outcome);

        try
        {
            Completed?.Invoke(result);
        }
#pragma warning disable CA1031 // A subscriber that throws must not end the worker (and with it the queue's service).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (HandlerErrors.Record(LoopErrorKind.Unexpected, out var unlogged))
            {
                PullLogMessages.CompletedHandlerFailed(_logger, unlogged, ex);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        Task begun;
        lock (_directGate)
        {
            _directClosed = true;
            begun = _direct == 0 ? Task.CompletedTask : (_directDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        await begun.ConfigureAwait(false);
        _stopping.Dispose();
        _queue.Dispose();
    }
}
