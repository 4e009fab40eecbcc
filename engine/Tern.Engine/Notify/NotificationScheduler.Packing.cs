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
        for (var i = 0; i < notifications.Count;)
        {
            if (!TryTakeToken(peer))
            {
                Defer(notifications, i, nowMs);
                break;
            }

            var first = i;
            i = SendNotificationDatagram(peer, notifications, i, nowMs);
            AfterNotifications(CollectionsMarshal.AsSpan(notifications)[first..i], nowMs);
        }

        notifications.Clear();

        var retractions = peer.Retractions;
        for (var i = 0; i < retractions.Count;)
        {
            if (!TryTakeToken(peer))
            {
                Defer(retractions, i, nowMs);
                break;
            }

            var first = i;
            i = SendRetractionDatagram(peer, retractions, i, nowMs);
            for (var j = first; j < i; j++)
            {
                AfterRetraction(CollectionsMarshal.AsSpan(retractions)[j], nowMs);
            }
        }

        retractions.Clear();
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
            _wheel.Schedule(record.Notice, Math.Min(lookAgainMs, record.Entry.Blob.ExpiryMs));
            Counters.PutOffToContact();
        }

        records.Clear();
    }

    /// <summary>Adds the pacing tokens earned since the last round, up to the burst.</summary>
    private void Refill(PeerState peer, long nowMs)
    {
        peer.Tokens = peer.Tokens < 0 ? _peerBurst : Math.Min(_peerBurst, peer.Tokens + ((nowMs - peer.RefilledAtMs) * _peerTokensPerMs));
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
    /// Puts records over the peer's pacing budget back on the wheel, spread over the time the budget needs to send them,
    /// with their due times (and so their attempt numbers) unchanged.
    /// </summary>
    private void Defer(List<OutgoingRecord> records, int from, long nowMs)
    {
        for (var i = from; i < records.Count; i++)
        {
            var datagramsAhead = ((i - from) / _maxRecords) + 1;
            var retryMs = nowMs + (long)Math.Ceiling(datagramsAhead / _peerTokensPerMs);
            _wheel.Schedule(records[i].Notice, retryMs);
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
