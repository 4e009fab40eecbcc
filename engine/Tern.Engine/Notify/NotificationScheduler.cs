using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tern.Engine.Keys;
using Tern.Engine.Loops;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

/// <summary>
/// The sender's notification loop (docs/PROTOCOL.md §4.6, §11; docs/ARCHITECTURE.md §4): a timing wheel over the transit
/// store's outstanding deliveries. A delivery is notified at once when scheduled, then on the protocol's jittered
/// exponential backoff until it is fetched, retracted, transferred or expired; each attempt and the next attempt time
/// are recorded in the store's index (as <see cref="TransitStore.RecordAttemptAsync"/> does), so a restarted node resumes
/// where it was.
/// Records due for the same peer in one tick share datagrams, and each round's datagrams go to the transport as one
/// batch. Retraction notices follow the same schedule a bounded number of times. One dedicated thread owns the wheel,
/// the peers and the datagram buffer, so the send path takes no lock of its own and allocates nothing per datagram.
/// </summary>
public sealed partial class NotificationScheduler : IDisposable
{
    private readonly TransitStore _store;
    private DomainKeySet _keys;
    private DomainKeySet? _nextKeys;
    private readonly INotificationPeerResolver _resolver;
    private readonly IDatagramTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NotificationMetrics _metrics;
    private readonly TimingWheel<ScheduledNotice> _wheel;
    private readonly ConcurrentQueue<IncomingNotice> _incoming = new();
    private readonly ConcurrentQueue<PeerResolution> _resolved = new();
    private readonly Dictionary<string, PeerState> _peers = new(StringComparer.Ordinal);
    private readonly List<PeerState> _active = [];
    private PeerState? _lastPeer;
    private readonly List<ScheduledNotice> _due = [];
    private readonly List<OutgoingRecord> _unpaced = []; // scratch of PacedFirst
    // Round numbers unique across the process's schedulers, so that one delivery's mark (DeliveryEntry.RoutedInRound)
    // is never taken for another scheduler's round.
    private static long s_rounds;
    private long _round;
    private readonly AutoResetEvent _wake = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    // One round at a time, on the loop's thread or, between its rounds, on a scheduling caller's (TryRoundHere).
    private readonly Lock _roundLock = new();
    private readonly int _inlineRoundRecords;
    private readonly Random _random = new();

    // Wire constants of this node, encoded once.
    private readonly byte[] _senderDomain;
    private readonly byte[] _fetchHints;
    private readonly bool _onBehalfOfAccounts;
    private readonly Dictionary<string, byte[]> _accountDomains = new(StringComparer.Ordinal);
    private readonly byte[] _datagram = GC.AllocateArray<byte>(NotificationLimits.MaxDatagramSize, pinned: true);
    private readonly byte[] _mimeHint = new byte[NotificationLimits.MaxMimeHintLength];
    private string? _mimeHintSource;
    private int _mimeHintLength = -1;

    // Scratch for the store's batch calls: due entries' statuses read under one lock per batch, a datagram's attempts
    // recorded under one lock.
    private const int StatusBatch = 256;
    private readonly DeliveryEntry[] _statusEntries = new DeliveryEntry[StatusBatch];
    private readonly DeliveryStatus[] _statuses = new DeliveryStatus[StatusBatch];
    private readonly DeliveryEntry[] _attemptEntries = new DeliveryEntry[NotificationLimits.MaxRecords];
    private readonly int[] _attempts = new int[NotificationLimits.MaxRecords];
    private readonly long[] _nextAttempts = new long[NotificationLimits.MaxRecords];
    private readonly DeliveryState[] _attemptStates = new DeliveryState[NotificationLimits.MaxRecords];

    private readonly long _tickMs;
    private readonly long _initialMs;
    private readonly long _maxMs;
    private readonly long _peerRefreshMs;
    private readonly long _peerRetryMs;
    private readonly int _maxRecords;
    private readonly int _maxRecordsPerRound;
    private readonly double _peerTokensPerMs;
    private readonly double _peerBurst;
    private readonly int _retractionRetransmissions;
    private volatile bool _stopping;
    private int _started;
    private int _disposed;

    /// <summary>
    /// Deliveries not to notify for now (offered to a gateway, docs/PROTOCOL.md §10.5); null (the default) holds none. Set
    /// before <see cref="StartAsync"/>.
    /// </summary>
    public IDeliveryHold? Hold { get; set; }

    /// <summary>
    /// When each destination may be sent to (a gateway's contact plan): records due for a destination outside its windows
    /// wait for the next one to open. Null (the default) sends whenever due. Set before <see cref="StartAsync"/>.
    /// </summary>
    public INotificationWindows? Windows { get; set; }

    /// <summary>Creates a scheduler with options bound by the host.</summary>
    public NotificationScheduler(
        TransitStore store,
        DomainKeySet keys,
        INotificationPeerResolver resolver,
        IDatagramTransport transport,
        IOptions<NotificationSchedulerOptions> options,
        TimeProvider? timeProvider = null,
        ILogger<NotificationScheduler>? logger = null)
        : this(store, keys, resolver, transport, options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a scheduler sending as <paramref name="keys"/>' domain (its agreement key goes in every header, its name in
    /// every record). Call <see cref="StartAsync"/> to load the store's outstanding deliveries and start the loop.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public NotificationScheduler(
        TransitStore store,
        DomainKeySet keys,
        INotificationPeerResolver resolver,
        IDatagramTransport transport,
        NotificationSchedulerOptions options,
        TimeProvider? timeProvider = null,
        ILogger<NotificationScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        _senderDomain = System.Text.Encoding.ASCII.GetBytes(DomainName.Normalize(keys.Domain));
        try
        {
            _fetchHints = FetchHintList.Encode(options.FetchHints ?? []);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"NotificationSchedulerOptions.FetchHints is invalid: {e.Message}", e);
        }

        // A gateway writes the domain it holds each blob for (up to 253 bytes), not its own (§10.6).
        _onBehalfOfAccounts = options.OnBehalfOfAccounts;
        options.Validate(_onBehalfOfAccounts ? DomainName.MaxLength : _senderDomain.Length, _fetchHints.Length);

        _store = store;
        _keys = keys;
        _resolver = resolver;
        _transport = transport;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _tickMs = (long)options.TickInterval.TotalMilliseconds;
        _initialMs = (long)options.InitialRetransmitInterval.TotalMilliseconds;
        _maxMs = (long)options.MaxRetransmitInterval.TotalMilliseconds;
        _peerRefreshMs = (long)options.PeerRefreshInterval.TotalMilliseconds;
        _peerRetryMs = (long)options.PeerRetryInterval.TotalMilliseconds;
        _maxRecords = options.MaxRecordsPerDatagram;
        _maxRecordsPerRound = options.MaxRecordsPerRound;
        _inlineRoundRecords = Math.Min(options.InlineRoundRecords, options.MaxRecordsPerRound);
        _peerTokensPerMs = options.PeerDatagramsPerSecond / 1000;
        _peerBurst = options.PeerDatagramBurst;
        _retractionRetransmissions = options.RetractionRetransmissions;
        _wheel = new TimingWheel<ScheduledNotice>(NowMs, _tickMs, options.WheelSlots, options.InitialWheelCapacity);
        _metrics = new NotificationMetrics(Counters);
        Errors = new LoopErrors(_time);
        _thread = new Thread(Run) { IsBackground = true, Name = "tern-notify-send" };
    }

    /// <summary>What the scheduler has sent and stopped.</summary>
    public NotificationCounters Counters { get; } = new();

    /// <summary>Rounds of the loop that threw (<see cref="LoopErrorKind.Unexpected"/>): each is logged once a minute at most.</summary>
    public LoopErrors Errors { get; }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Loads every outstanding delivery of the store at its recorded next attempt, then starts the loop thread.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The notification scheduler is already started.");
        }

        var loaded = await LoadAsync(cancellationToken).ConfigureAwait(false);
        NotifyLogMessages.Started(_logger, loaded);
        _thread.Start();
    }

    /// <summary>Notifies the delivery of <paramref name="capability"/> now (its first notification after a submission).</summary>
    public void Schedule(FetchCapability capability)
    {
        _incoming.Enqueue(new IncomingNotice(capability, NoticeKind.Notification, NowMs));
        _wake.Set();
    }

    /// <summary>
    /// Notifies every delivery of an acknowledged submission now: on this thread when the loop is between rounds
    /// (<see cref="NotificationSchedulerOptions.InlineRoundRecords"/>), otherwise by waking the loop.
    /// </summary>
    public void Schedule(SubmissionResult submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var now = NowMs;
        foreach (var capability in submission.Capabilities)
        {
            _incoming.Enqueue(new IncomingNotice(capability, NoticeKind.Notification, now));
        }

        if (!TryRoundHere())
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// Notifies every delivery of several acknowledged submissions now, waking the loop once for all of them, so that
    /// their records reach it together and share datagrams per receiving domain (docs/PROTOCOL.md §4.6).
    /// </summary>
    public void Schedule(IReadOnlyList<SubmissionResult> submissions)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var now = NowMs;
        foreach (var submission in submissions)
        {
            foreach (var capability in submission.Capabilities)
            {
                _incoming.Enqueue(new IncomingNotice(capability, NoticeKind.Notification, now));
            }
        }

        if (submissions.Count > 0 && !TryRoundHere())
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// Runs a round on the calling thread if the loop is running and between rounds, within
    /// <see cref="NotificationSchedulerOptions.InlineRoundRecords"/>; true when it left nothing due for the loop. A round
    /// that throws is counted as the loop's are, and the loop's next round takes its records again.
    /// </summary>
    private bool TryRoundHere()
    {
        if (_inlineRoundRecords == 0 || !_thread.IsAlive || !_roundLock.TryEnter())
        {
            return false;
        }

        try
        {
            // Asked under the lock: disposal takes it once stopping is set, so no round here outlives the scheduler.
            if (_stopping)
            {
                return false;
            }

            RunRound(NowMs, _inlineRoundRecords);
            return !Backlogged;
        }
#pragma warning disable CA1031 // The caller scheduled a submission already acknowledged: a failed round is the loop's to retry, never the caller's failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            RoundFailed(e);
            return false;
        }
        finally
        {
            _roundLock.Exit();
        }
    }

    /// <summary>
    /// Sends retraction notices for a retraction (docs/PROTOCOL.md §11): plain notices for the deliveries retracted before
    /// their fetch, <c>after_fetch</c> notices for those already fetched; each retransmitted at most
    /// <see cref="NotificationSchedulerOptions.RetractionRetransmissions"/> times, never after the transit expiry.
    /// </summary>
    public void ScheduleRetraction(RetractionResult retraction)
    {
        ArgumentNullException.ThrowIfNull(retraction);
        var now = NowMs;
        foreach (var delivery in retraction.Retracted)
        {
            _incoming.Enqueue(new IncomingNotice(delivery.Capability, NoticeKind.Retraction, now));
        }

        foreach (var delivery in retraction.AlreadyFetched)
        {
            _incoming.Enqueue(new IncomingNotice(delivery.Capability, NoticeKind.RetractionAfterFetch, now));
        }

        _wake.Set();
    }

    /// <summary>Stops the loop thread (the round in progress completes). The transport is the caller's to dispose.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        _stop.Cancel();
        _openingTimer?.Dispose();
        _wake.Set();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        // A round a scheduling caller began before stopping was set ends before the keys go.
        lock (_roundLock)
        {
        }

        foreach (var peer in _peers.Values)
        {
            peer.SendingKey.Dispose();
        }

        NotifyLogMessages.Stopped(_logger, Counters.DatagramsSent, Counters.RecordsSent, Counters.Retransmissions);
        _metrics.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }

    /// <summary>Puts every outstanding delivery of the store on the wheel at its recorded next attempt; returns how many. Before the loop starts only.</summary>
    internal Task<int> LoadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Load(cancellationToken));

    private int Load(CancellationToken cancellationToken)
    {
        // The index records themselves, so the loop needs no lookup; straight onto the wheel, which is still this
        // thread's: the loop thread starts after the load (StartAsync), and tests drive rounds on their own thread.
        if (_thread.IsAlive)
        {
            throw new InvalidOperationException("The outstanding deliveries are loaded before the loop starts.");
        }

        var entries = _store.ListOutstandingEntries();
        _wheel.EnsureCapacity(_wheel.Count + entries.Count);
        var statuses = new DeliveryStatus[StatusBatch];
        for (var start = 0; start < entries.Count; start += StatusBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = CollectionsMarshal.AsSpan(entries).Slice(start, Math.Min(StatusBatch, entries.Count - start));
            _store.ReadStatus(batch, statuses);
            for (var i = 0; i < batch.Length; i++)
            {
                var entry = batch[i];
                var dueMs = statuses[i].NextAttemptMs;
                _wheel.Schedule(new ScheduledNotice(entry, NoticeKind.Notification, dueMs, 0), dueMs);
            }
        }

        return entries.Count;
    }

    private void Run()
    {
        while (!_stopping)
        {
            var failed = false;
            try
            {
                lock (_roundLock)
                {
                    RunRound(NowMs);
                }
            }
#pragma warning disable CA1031 // The loop must survive a failed round (a store error, a transport error): count it, log it, go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed = true;
                RoundFailed(e);
            }

            // A failed round waits its tick even with a backlog: a store or transport that keeps failing must not spin the loop.
            if (failed || !Backlogged)
            {
                _wake.WaitOne((int)_tickMs);
            }
        }
    }

    /// <summary>Counts a round that threw and logs it, once a minute at most.</summary>
    private void RoundFailed(Exception e)
    {
        if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
        {
            NotifyLogMessages.RoundFailed(_logger, unlogged, e);
        }
    }
}
