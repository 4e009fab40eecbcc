using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>
/// Everything a receiver does with one datagram (docs/PROTOCOL.md §4.4), transport-free: rate limit by
/// source, find or derive the sender's receive key within the cold-key budgets, open, apply the time rules,
/// the pull preference and the sink. Never answers, never throws on input; every drop is counted by reason.
/// One instance per receive loop: it owns its caches and scratch buffers, so the per-packet path
/// allocates nothing and takes no lock.
/// </summary>
/// <remarks>
/// A receive loop hands over a whole batch: <see cref="Stage"/> for each datagram, then <see cref="Flush"/>.
/// Staging opens the datagram; the flush asks the sink to start fetching what the next group of records (up to 64) will
/// touch (<see cref="INotificationSink.Prefetch"/>), then delivers them, group after group. A pending-table
/// insert is bound by cache misses in indexes of hundreds of MiB; issued back to back for a group they overlap,
/// one after another they do not.
/// </remarks>
public sealed partial class NotificationIngest
{
    private readonly INotificationSink _sink;
    private readonly IPullPreferences _preferences;
    private readonly DomainBlockList? _blocks;
    private readonly TokenBucketTable _sourceRate;
    private readonly TimeSpan _maxTransit;
    private readonly byte[] _plaintexts = new byte[MaxStaged * NotificationLimits.MaxBodySize];
    private readonly byte[] _stagedSenderKeys = new byte[MaxStaged * NotificationKey.Size];
    private readonly StagedBody[] _staged = new StagedBody[MaxStaged];
    private readonly FetchCapability[] _stagedCapabilities = new FetchCapability[MaxStaged * NotificationLimits.MaxRecords];
    private readonly RecipientHash[] _stagedRecipients = new RecipientHash[MaxStaged * NotificationLimits.MaxRecords];
    private int _stagedCount;
    private int _stagedRecords;

    /// <summary>
    /// Creates an ingest for the domain owning <paramref name="keys"/>; with <paramref name="knownPeers"/> (of the same
    /// domain), the keys of peers known from discovery are ready before their first datagram; with <paramref name="blocks"/>,
    /// records from the sender domains the operator blocked are dropped as <see cref="DropReason.Blocked"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="rotation"/> (whose current key set is <paramref name="keys"/>), the ingest follows the domain's key
    /// rotation between batches (docs/PROTOCOL.md §16.4): it opens datagrams sealed to either key set of a rotation's window and
    /// forgets the old one when it is retired.
    /// </remarks>
    public NotificationIngest(DomainKeySet keys, INotificationSink sink, IPullPreferences preferences, IngestOptions options, KnownPeerKeys? knownPeers = null,
        DomainBlockList? blocks = null, DomainKeyRotation? rotation = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(preferences);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (knownPeers is not null && rotation is null && !knownPeers.Keys.AgreementPublicKey.SequenceEqual(keys.AgreementPublicKey))
        {
            throw new ArgumentException("The known peers' keys are derived for another domain key.", nameof(knownPeers));
        }

        _sink = sink;
        _preferences = preferences;
        _blocks = blocks;
        _sourceRate = new TokenBucketTable(options.SourceTableSlots, options.DatagramsPerSecondPerSource, options.DatagramBurstPerSource);
        _maxTransit = options.MaxTransit;
        _verifiedCapacity = options.PeerKeyCacheCapacity;
        _probationCapacity = options.ProbationCapacity;
        _primary = new ReceiveSide(keys, _verifiedCapacity, _probationCapacity);
        _rotation = rotation;
        _knownPeers = knownPeers;
        _coldKeySources = new ColdKeySources(options.SourceTableSlots, options.ColdKeysPerSecondPerSource, Math.Max(1, options.ColdKeysPerSecondPerSource),
            options.ColdKeyFailurePenalty, options.MaxColdKeyFailurePenalty);
        var retries = options.ColdKeysPerSecond * options.ColdKeyRetryShare;
        var fresh = options.ColdKeysPerSecond - retries;
        _coldKeys = new TokenBucketTable(1, fresh, Math.Max(1, fresh));
        _coldKeyRetries = new TokenBucketTable(1, retries, Math.Max(1, retries));
    }

    /// <summary>Most datagrams staged before a flush: one receive batch (<c>recvmmsg</c> takes 64).</summary>
    public const int MaxStaged = 64;

    // What a full stage's flush inside Stage threw, for the next Flush to rethrow.
    private Exception? _deferredFailure;

    /// <summary>What this ingest has seen.</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>
    /// Processes one datagram from the source <paramref name="sourceHash"/> (a <see cref="SourcePrefix"/> hash): <see cref="Stage"/>
    /// and <see cref="Flush"/>. Returns the datagram-level outcome (record-level drops are counted, not returned).
    /// </summary>
    public DropReason Process(ReadOnlySpan<byte> datagram, int sourceHash, long nowMs)
    {
        var reason = Stage(datagram, sourceHash, nowMs);
        Flush(nowMs);
        return reason;
    }

    /// <summary>
    /// Checks and opens one datagram of a batch and keeps its body for <see cref="Flush"/>, which must follow before
    /// the batch is done. A full stage flushes by itself; what that flush throws is kept for the next
    /// <see cref="Flush"/> to rethrow, so this datagram is still staged and counted. Returns the datagram-level
    /// outcome; its records are delivered, and their drops counted, by the flush.
    /// </summary>
    public DropReason Stage(ReadOnlySpan<byte> datagram, int sourceHash, long nowMs)
    {
        if (_stagedCount == MaxStaged)
        {
            try
            {
                Flush(nowMs);
            }
#pragma warning disable CA1031 // Rethrown by the caller's Flush: thrown here it would cost this datagram, uncounted.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _deferredFailure ??= e;
            }
        }

        if (_stagedCount == 0)
        {
            BetweenBatches();
        }

        var reason = DatagramHeader.TryRead(datagram, out var header);
        if (reason == DropReason.None && !_sourceRate.TryTake(sourceHash, nowMs))
        {
            reason = DropReason.OverRate;
        }

        if (reason == DropReason.None)
        {
            var slot = _stagedCount;
            reason = Open(header, sourceHash, nowMs, _plaintexts.AsSpan(slot * NotificationLimits.MaxBodySize, NotificationLimits.MaxBodySize), out var body);
            if (reason == DropReason.None)
            {
                reason = NotificationClock.CheckSentAt(body.SentAtMs, nowMs);
            }

            if (reason == DropReason.None)
            {
                Counters.DatagramsAccepted++;
                Keep(slot, body, header.SenderKey);
            }
        }

        if (reason != DropReason.None)
        {
            Counters.Drop(reason);
        }

        return reason;
    }

    private DatagramBody StagedBodyAt(int slot)
    {
        ref readonly var staged = ref _staged[slot];
        var records = _plaintexts.AsSpan(slot * NotificationLimits.MaxBodySize + NotificationLimits.BodyHeaderSize, staged.RecordsLength);
        return DatagramBody.FromValidated(staged.Type, staged.SentAtMs, staged.Count, records);
    }

    private void Keep(int slot, in DatagramBody body, ReadOnlySpan<byte> senderKey)
    {
        // The sender key lives in the receiver's buffer; the staged copy outlives it.
        senderKey.CopyTo(_stagedSenderKeys.AsSpan(slot * NotificationKey.Size, NotificationKey.Size));
        var keys = body.CopyNotificationKeys(_stagedCapabilities.AsSpan(_stagedRecords), _stagedRecipients.AsSpan(_stagedRecords));
        _staged[slot] = new StagedBody(body.Type, body.SentAtMs, body.Count, body.RecordBytes.Length, _stagedRecords, keys);
        _stagedCount = slot + 1;
        _stagedRecords += keys;
    }

    private void Deliver(in DatagramBody body, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        foreach (var record in body.Notifications)
        {
            var reason = NotificationClock.CheckExpiry(record.TransitExpiryMs, nowMs, _maxTransit);
            if (reason == DropReason.None && _blocks is not null && _blocks.Drops(record.SenderDomain))
            {
                reason = DropReason.Blocked;
            }

            if (reason == DropReason.None)
            {
                var preference = _preferences.Lookup(record.RecipientHash, record.SenderDomain);
                reason = preference == PullPreference.Ignore ? DropReason.Ignored : _sink.Accept(record, senderKey, preference, nowMs);
            }

            if (reason == DropReason.None)
            {
                Counters.RecordsAccepted++;
            }
            else
            {
                Counters.Drop(reason);
            }
        }

        // §11: a notice that matches no reference of this key and hash changes nothing and is no drop.
        foreach (var record in body.Retractions)
        {
            if (_sink.Retract(record, senderKey, nowMs))
            {
                Counters.RetractionsApplied++;
            }
            else
            {
                Counters.RetractionsUnmatched++;
            }
        }
    }

    /// <summary>
    /// Where a staged body's records are (its plaintext slot holds the body header, then the records), and its notifications'
    /// keys in the staged key arrays.
    /// </summary>
    private readonly record struct StagedBody(DatagramType Type, long SentAtMs, int Count, int RecordsLength, int KeysStart, int KeyCount);
}
