using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;

namespace Tern.Engine.Ingest;

/// <summary>
/// Everything a receiver does with one datagram (docs/PROTOCOL.md §4.4), transport-free: rate limit by
/// source, find or derive the sender's receive key within the cold-key budget, open, apply the time rules,
/// the pull preference and the sink. Never answers, never throws on input; every drop is counted by reason.
/// One instance per receive loop: it owns its caches and scratch buffers, so the per-packet path
/// allocates nothing and takes no lock.
/// </summary>
public sealed class NotificationIngest
{
    private readonly DomainKeySet _keys;
    private readonly INotificationSink _sink;
    private readonly IPullPreferences _preferences;
    private readonly PeerKeyCache _peerKeys;
    private readonly TokenBucketTable _sourceRate;
    private readonly TokenBucketTable _coldKeysPerSource;
    private readonly TokenBucketTable _coldKeys;
    private readonly TimeSpan _maxTransit;
    private readonly byte[] _plaintext = new byte[NotificationLimits.MaxBodySize];
    private readonly byte[] _derived = new byte[NotificationKey.Size];

    /// <summary>Creates an ingest for the domain owning <paramref name="keys"/>.</summary>
    public NotificationIngest(DomainKeySet keys, INotificationSink sink, IPullPreferences preferences, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(preferences);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _keys = keys;
        _sink = sink;
        _preferences = preferences;
        _peerKeys = new PeerKeyCache(options.PeerKeyCacheCapacity);
        _sourceRate = new TokenBucketTable(options.SourceTableSlots, options.DatagramsPerSecondPerSource, options.DatagramBurstPerSource);
        _coldKeysPerSource = new TokenBucketTable(options.SourceTableSlots, options.ColdKeysPerSecondPerSource, Math.Max(1, options.ColdKeysPerSecondPerSource));
        _coldKeys = new TokenBucketTable(1, options.ColdKeysPerSecond, Math.Max(1, options.ColdKeysPerSecond));
        _maxTransit = options.MaxTransit;
    }

    /// <summary>What this ingest has seen.</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>
    /// Processes one datagram from the source whose address hashes to <paramref name="sourceHash"/>.
    /// Returns the datagram-level outcome (record-level drops are counted, not returned).
    /// </summary>
    public DropReason Process(ReadOnlySpan<byte> datagram, int sourceHash, long nowMs)
    {
        var reason = DatagramHeader.TryRead(datagram, out var header);
        if (reason == DropReason.None && !_sourceRate.TryTake(sourceHash, nowMs))
        {
            reason = DropReason.OverRate;
        }

        if (reason == DropReason.None)
        {
            reason = ReceiveKey(header.SenderKey, sourceHash, nowMs, out var key);
            if (reason == DropReason.None)
            {
                reason = DatagramBody.TryOpen(header, key, _plaintext, out var body);
                if (reason == DropReason.None)
                {
                    reason = NotificationClock.CheckSentAt(body.SentAtMs, nowMs);
                }

                if (reason == DropReason.None)
                {
                    Counters.DatagramsAccepted++;
                    Deliver(body, header.SenderKey, nowMs);
                }
            }
        }

        if (reason != DropReason.None)
        {
            Counters.Drop(reason);
        }

        return reason;
    }

    private DropReason ReceiveKey(ReadOnlySpan<byte> senderKey, int sourceHash, long nowMs, out ReadOnlySpan<byte> key)
    {
        if (_peerKeys.TryGet(senderKey, out key))
        {
            return DropReason.None;
        }

        // A new key costs one X25519: spend it only within the per-source and global budgets.
        if (!_coldKeysPerSource.TryTake(sourceHash, nowMs) || !_coldKeys.TryTake(0, nowMs))
        {
            return DropReason.ColdKeyBudget;
        }

        Counters.ColdKeysDerived++;
        if (!NotificationKey.TryDeriveReceiving(_keys, senderKey, _derived))
        {
            return DropReason.Undecryptable;
        }

        key = _peerKeys.Add(senderKey, _derived);
        return DropReason.None;
    }

    private void Deliver(in DatagramBody body, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        foreach (var record in body.Notifications)
        {
            var reason = NotificationClock.CheckExpiry(record.TransitExpiryMs, nowMs, _maxTransit);
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

        foreach (var record in body.Retractions)
        {
            _sink.Retract(record, senderKey, nowMs);
            Counters.RetractionsApplied++;
        }
    }
}
