using System.Runtime.InteropServices;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

public sealed partial class NotificationScheduler
{
    /// <summary>Sends a peer's due records, packed into as few datagrams as the 1200-byte and 32-record limits allow (§4.1).</summary>
    private void SendTo(PeerState peer, long nowMs)
    {
        if (Windows is { } windows && windows.OpenFromMs(peer.Domain, nowMs) is var openMs && openMs > nowMs)
        {
            PutOffToContact(peer, openMs, nowMs);
            return;
        }

        if (!EnsureResolved(peer, nowMs))
        {
            return; // resolving: the records wait; failed: they were rescheduled
        }

        Refill(peer, nowMs);
        var notifications = peer.Notifications;
        var paid = PacedFirst(notifications);
        for (var i = 0; i < notifications.Count;)
        {
            if (i >= paid && !TryTakeToken(peer))
            {
                Defer(peer, notifications, i, peer.NotificationsPerDatagram, nowMs);
                break;
            }

            var first = i;
            i = SendNotificationDatagram(peer, notifications, i, nowMs);
            if (i < notifications.Count)
            {
                peer.NotificationsPerDatagram = i - first;
            }

            AfterNotifications(CollectionsMarshal.AsSpan(notifications)[first..i], nowMs);
        }

        notifications.Clear();

        var retractions = peer.Retractions;
        paid = PacedFirst(retractions);
        for (var i = 0; i < retractions.Count;)
        {
            if (i >= paid && !TryTakeToken(peer))
            {
                Defer(peer, retractions, i, peer.RetractionsPerDatagram, nowMs);
                break;
            }

            var first = i;
            i = SendRetractionDatagram(peer, retractions, i, nowMs);
            if (i < retractions.Count)
            {
                peer.RetractionsPerDatagram = i - first;
            }

            for (var j = first; j < i; j++)
            {
                AfterRetraction(CollectionsMarshal.AsSpan(retractions)[j], nowMs);
            }
        }

        retractions.Clear();
    }

    /// <summary>
    /// Moves the records whose token was taken when pacing put them off (<see cref="ScheduledNotice.Paced"/>) to the front,
    /// each group in its order, and returns how many: they are sent without taking another.
    /// </summary>
    private int PacedFirst(List<OutgoingRecord> records)
    {
        var span = CollectionsMarshal.AsSpan(records);
        var paced = 0;
        foreach (ref readonly var record in span)
        {
            paced += record.Notice.Paced ? 1 : 0;
        }

        if (paced == 0 || paced == span.Length)
        {
            return paced;
        }

        // A stable partition: the paced ones compacted forward in place, the others kept aside and put back behind them.
        var next = 0;
        foreach (ref readonly var record in span)
        {
            if (record.Notice.Paced)
            {
                span[next++] = record;
            }
            else
            {
                _unpaced.Add(record);
            }
        }

        CollectionsMarshal.AsSpan(_unpaced).CopyTo(span[next..]);
        _unpaced.Clear();
        return paced;
    }

    /// <summary>
    /// Puts every record due for a peer outside its contact windows back on the wheel at the next window's opening, due
    /// times unchanged (nothing was sent, nothing is written). Looked at again after
    /// <see cref="NotificationSchedulerOptions.PeerRetryInterval"/> at the latest, so that a plan reloaded with an earlier
    /// window takes effect within it, and never after the blob's expiry, where the scheduler ends the delivery.
    /// </summary>
    private void PutOffToContact(PeerState peer, long openMs, long nowMs)
    {
        var lookAgainMs = Math.Min(openMs, nowMs + _peerRetryMs);
        PutOff(peer.Notifications, lookAgainMs);
        PutOff(peer.Retractions, lookAgainMs);
        if (lookAgainMs == openMs)
        {
            WakeAtOpening(openMs, nowMs);
        }
    }

    private void PutOff(List<OutgoingRecord> records, long lookAgainMs)
    {
        foreach (var record in CollectionsMarshal.AsSpan(records))
        {
            // Held, not paced: at the opening the record takes a token as any other.
            _wheel.Schedule(record.Notice.WithPaced(false), Math.Min(lookAgainMs, record.Entry.Blob.ExpiryMs));
            Counters.PutOffToContact();
        }

        records.Clear();
    }

    /// <summary>Adds the pacing tokens earned since the last round, up to the burst.</summary>
    private void Refill(PeerState peer, long nowMs)
    {
        peer.Tokens = double.IsNaN(peer.Tokens) ? _peerBurst : Math.Min(_peerBurst, peer.Tokens + ((nowMs - peer.RefilledAtMs) * _peerTokensPerMs));
        peer.RefilledAtMs = nowMs;
    }

    private static bool TryTakeToken(PeerState peer)
    {
        if (peer.Tokens < 1)
        {
            return false;
        }

        peer.Tokens--;
        return true;
    }

    /// <summary>
    /// Puts records over the peer's pacing budget back on the wheel, each at its turn, with their due times (and so their
    /// attempt numbers) unchanged. Each datagram's worth of them takes its token now, the bucket going below zero, and
    /// comes due at the first tick by which the bucket has earned it back: so a record is put off once, is not looked at
    /// again before its turn (the wheel hands back a whole tick at once, so its turn is rounded up to a tick), and those
    /// put off later, whose tokens come after, queue behind it. <paramref name="perDatagram"/> is how many such records
    /// the last full datagram to this peer carried (0 before one was: the record limit).
    /// </summary>
    private void Defer(PeerState peer, List<OutgoingRecord> records, int from, int perDatagram, long nowMs)
    {
        var span = CollectionsMarshal.AsSpan(records);
        perDatagram = perDatagram > 0 ? perDatagram : _maxRecords;
        var turnMs = nowMs;
        for (var i = from; i < span.Length; i++)
        {
            if ((i - from) % perDatagram == 0)
            {
                peer.Tokens--;
                var earnedMs = nowMs + (long)Math.Ceiling(-peer.Tokens / _peerTokensPerMs);
                turnMs = (earnedMs + _tickMs - 1) / _tickMs * _tickMs;
            }

            _wheel.Schedule(span[i].Notice.WithPaced(true), turnMs);
            Counters.Pace();
        }
    }

    /// <summary>Writes records from <paramref name="start"/> into one datagram, seals and sends it; returns the index after the last record written.</summary>
    private int SendNotificationDatagram(PeerState peer, List<OutgoingRecord> records, int start, long nowMs)
    {
        FetchHintList.TryCreate(_fetchHints, out var hints);
        var writer = new DatagramWriter(_datagram, DatagramType.Notification, _keys.AgreementPublicKey, nowMs);
        var span = CollectionsMarshal.AsSpan(records);
        var i = start;
        while (i < span.Length && writer.Count < _maxRecords)
        {
            // Every field but the attempt is immutable: read from the index record and its blob without the lock.
            ref readonly var outgoing = ref span[i];
            var entry = outgoing.Entry;
            var blob = entry.Blob;
            var record = new NotificationRecord(
                entry.Capability,
                entry.Hash,
                blob.ExpiryMs,
                blob.Size,
                blob.PayloadHash,
                (ushort)Math.Min(outgoing.Attempt + 1, ushort.MaxValue),
                _onBehalfOfAccounts ? NotificationFlags.ViaGateway : NotificationFlags.None,
                _onBehalfOfAccounts ? AccountDomain(blob.Account) : _senderDomain,
                MimeHint(blob.MimeHint, entry.Capability),
                hints);
            if (!writer.TryAdd(record))
            {
                break;
            }

            i++;
        }

        // Options validation guarantees that one record fits an empty datagram, so i > start here.
        var length = writer.Seal(peer.SendingKey);
        _transport.Send(_datagram.AsSpan(0, length), peer.Endpoint!);
        Windows?.Sent(peer.Domain, length, nowMs);
        Counters.Datagram();
        return i;
    }

    /// <summary>
    /// The domain a gateway holds a blob for, which is the blob's account (§10.6), encoded once per domain on the loop
    /// thread. An account that is not a domain name (never written by the custody gateway) is sent as this node's own.
    /// </summary>
    private byte[] AccountDomain(string account)
    {
        if (!_accountDomains.TryGetValue(account, out var encoded))
        {
            encoded = System.Text.Encoding.ASCII.GetBytes(account);
            if (encoded.Length != account.Length || !DomainName.IsValid(encoded))
            {
                encoded = _senderDomain;
            }

            _accountDomains[account] = encoded;
        }

        return encoded;
    }

    private int SendRetractionDatagram(PeerState peer, List<OutgoingRecord> records, int start, long nowMs)
    {
        var writer = new DatagramWriter(_datagram, DatagramType.Retraction, _keys.AgreementPublicKey, nowMs);
        var i = start;
        while (i < records.Count && writer.Count < _maxRecords)
        {
            ref readonly var outgoing = ref CollectionsMarshal.AsSpan(records)[i];
            var flags = outgoing.Notice.Kind == NoticeKind.RetractionAfterFetch ? RetractionFlags.AfterFetch : RetractionFlags.None;
            if (!writer.TryAdd(new RetractionRecord(outgoing.Entry.Capability, outgoing.Entry.Hash, flags, _senderDomain)))
            {
                break;
            }

            i++;
        }

        var length = writer.Seal(peer.SendingKey);
        _transport.Send(_datagram.AsSpan(0, length), peer.Endpoint!);
        Windows?.Sent(peer.Domain, length, nowMs);
        Counters.Datagram();
        return i;
    }

    /// <summary>
    /// Records the attempts of one datagram's records in the store under one lock and schedules each next one (§4.6), or
    /// ends the delivery.
    /// </summary>
    private void AfterNotifications(ReadOnlySpan<OutgoingRecord> sent, long nowMs)
    {
        for (var j = 0; j < sent.Length; j++)
        {
            var attempt = sent[j].Attempt + 1;
            _attemptEntries[j] = sent[j].Entry;
            _attempts[j] = attempt;
            _nextAttempts[j] = NextAfter(attempt, nowMs);
        }

        var entries = _attemptEntries.AsSpan(0, sent.Length);
        var states = _attemptStates.AsSpan(0, sent.Length);
        _store.RecordAttempts(entries, _attempts.AsSpan(0, sent.Length), _nextAttempts.AsSpan(0, sent.Length), states);
        entries.Clear(); // no references kept past the round
        for (var j = 0; j < sent.Length; j++)
        {
            ref readonly var record = ref sent[j];
            var attempt = _attempts[j];
            var nextMs = _nextAttempts[j];
            Counters.Record(retransmission: attempt > 1);
            if (states[j] != DeliveryState.Outstanding)
            {
                Counters.Stop(ReasonOf(states[j]));
            }
            else if (nextMs >= record.Entry.Blob.ExpiryMs)
            {
                Counters.Stop(StopReason.Expired);
            }
            else
            {
                _wheel.Schedule(new ScheduledNotice(record.Entry, NoticeKind.Notification, nextMs, 0), nextMs);
            }
        }
    }

    /// <summary>Schedules the next transmission of a retraction notice, at most the configured number of times (§11).</summary>
    private void AfterRetraction(in OutgoingRecord sent, long nowMs)
    {
        Counters.RetractionRecord();
        var transmissions = sent.Notice.Sent + 1;
        var nextMs = NextAfter(transmissions, nowMs);
        if (transmissions > _retractionRetransmissions || nextMs >= sent.Entry.Blob.ExpiryMs)
        {
            Counters.RetractionCompleted();
            return;
        }

        _wheel.Schedule(new ScheduledNotice(sent.Entry, sent.Notice.Kind, nextMs, transmissions), nextMs);
    }

    /// <summary>The delivery's MIME hint as wire bytes, or empty when it is not printable ASCII of at most 127 bytes (§4.2).</summary>
    private ReadOnlySpan<byte> MimeHint(string? hint, Protocol.FetchCapability capability)
    {
        if (string.IsNullOrEmpty(hint))
        {
            return default;
        }

        if (ReferenceEquals(hint, _mimeHintSource))
        {
            return _mimeHint.AsSpan(0, _mimeHintLength); // a blob's recipients share its hint: encoded once for them
        }

        _mimeHintSource = null;
        if (hint.Length <= _mimeHint.Length)
        {
            var valid = true;
            for (var i = 0; i < hint.Length && valid; i++)
            {
                valid = hint[i] is >= ' ' and <= '~';
                _mimeHint[i] = (byte)hint[i];
            }

            if (valid)
            {
                _mimeHintSource = hint;
                _mimeHintLength = hint.Length;
                return _mimeHint.AsSpan(0, hint.Length);
            }
        }

        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            NotifyLogMessages.MimeHintDropped(_logger, capability.ToString());
        }

        return default;
    }
}
