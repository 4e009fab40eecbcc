using System.Net;

namespace Tern.Engine.Bulk;

public sealed partial class BulkSender
{
    /// <summary>
    /// Called with the blobs a late receipt moved to Transferred (§17.6), off the socket's thread: whoever carries them
    /// forgets them. Blobs a later session had transferred already are not in the list.
    /// </summary>
    public Action<IReadOnlyList<BulkBlob>>? TransferredLate { get; set; }

    /// <summary>Sessions that timed out whose receipt is still taken.</summary>
    public int SessionsAwaitingLateReceipt => _late.Count;

    /// <summary>
    /// Keeps a timed-out session's receipt check until the receiver can no longer answer (§17.6): it forgets the session
    /// at its deadline plus a light time, what it sent then arrives a light time later, and the receipt wait covers a
    /// commit still under way. Returns that instant.
    /// </summary>
    private DateTimeOffset AwaitLateReceipt(ReceiptCheck check, BulkContact contact)
    {
        var until = DateTimeOffset.FromUnixTimeMilliseconds(check.Manifest.DeadlineMs) + (2 * contact.OneWayLightTime) + _options.ReceiptWait;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, late) in _late)
        {
            if (late.UntilMs < nowMs)
            {
                _late.TryRemove(id, out _);
            }
        }

        _late[check.Session] = new LateSession(check, until.ToUnixTimeMilliseconds());
        return until;
    }

    /// <summary>
    /// A datagram for a session no longer running: a receipt of a timed-out session, from its peer, before its late
    /// horizon, that verifies, transfers what it covers once (its copies find nothing more); anything else is unknown.
    /// </summary>
    private void ReceiveLate(BulkDatagramType type, BulkSessionId id, ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (type != BulkDatagramType.Receipt || !_late.TryGetValue(id, out var late) || late.UntilMs < _time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            Counters.Unknown();
            return;
        }

        if (!late.Check.Peer.Equals(from))
        {
            Counters.Foreign();
            return;
        }

        var bytes = datagram[BulkDatagram.HeaderSize..];
        if (Verify(late.Check, bytes) is { } error)
        {
            Counters.RejectReceipt();
            BulkLogMessages.ReceiptRejected(_logger, id.ToString(), error);
            return;
        }

        if (_late.TryRemove(id, out _))
        {
            var work = TransferLateAsync(late.Check, BulkReceipt.TryParse(bytes)!);
            _lateWork.TryAdd(work, 0);
            _ = work.ContinueWith(t => _lateWork.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Journals Transferred for each blob the late receipt covers whose deliveries are still Outstanding: one carried again
    /// and receipted meanwhile has none left, so nothing is recorded twice.
    /// </summary>
    private async Task TransferLateAsync(ReceiptCheck check, BulkReceipt receipt)
    {
        // Off the socket's receive thread: the journal's commit waits on the disk.
        await Task.Yield();
        try
        {
            var moved = new List<BulkBlob>();
            var entries = check.Manifest.Entries;
            for (var i = 0; i < entries.Count; i++)
            {
                if (receipt.Accepted[i] && await _store.MarkTransferredAsync(entries[i].MessageId, entries[i].RecipientDomain).ConfigureAwait(false) > 0)
                {
                    moved.Add(new BulkBlob(entries[i].MessageId, entries[i].RecipientDomain));
                }
            }

            Counters.Late();
            BulkLogMessages.LateReceipt(_logger, check.Session.ToString(), check.PeerGateway, moved.Count, receipt.AcceptedCount);
            TransferredLate?.Invoke(moved);
        }
#pragma warning disable CA1031 // Nothing moved stays Outstanding and goes in a later session; the socket's thread must not see it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            BulkLogMessages.LateReceiptFailed(_logger, check.Session.ToString(), e);
        }
    }

    /// <summary>A timed-out session's receipt check and the instant (Unix ms) after which its receipt is no longer taken.</summary>
    private sealed record LateSession(ReceiptCheck Check, long UntilMs);
}
