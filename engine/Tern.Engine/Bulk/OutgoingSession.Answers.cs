namespace Tern.Engine.Bulk;

internal sealed partial class OutgoingSession
{
    /// <summary>
    /// A report from the receiver (§17.4): complete, the session waits for the receipt; else each missing segment that was
    /// sent before the checkpoint the report answers, and is not queued already, is queued for repair.
    /// </summary>
    /// <returns>False when the report names a checkpoint never sent (the caller counts it).</returns>
    public bool OnReport(int datagramLength, bool complete, uint checkpointSerial, ReadOnlySpan<byte> ranges, int rangeCount)
    {
        lock (_gate)
        {
            if (_over)
            {
                return true;
            }

            if (checkpointSerial == 0 || checkpointSerial >= _checkpointSeq.Count)
            {
                return false;
            }

            BytesReceived += datagramLength;
            var now = _time.GetTimestamp();
            _retries = 0;
            if (complete)
            {
                if (!_blockIn)
                {
                    _blockIn = true;
                    DeliveredAt = now;
                    _repairs.Clear();
                    Array.Clear(_queued);
                    _timerDue = now + _round + _receiptWait;
                }

                return true;
            }

            var sentBefore = _checkpointSeq[(int)checkpointSerial];
            for (var r = 0; r < rangeCount; r++)
            {
                BulkDatagram.ReadRange(ranges, r, out var start, out var end);
                var first = (int)Math.Min(_segments, start / _payload);
                var last = (int)Math.Min(_segments - 1, (end - 1) / _payload);
                for (var s = first; s <= last; s++)
                {
                    // Sent before the checkpoint and still missing when it arrived: lost. Sent after it: in flight.
                    if (_lastSent[s] != 0 && _lastSent[s] < sentBefore && !_queued[s])
                    {
                        _queued[s] = true;
                        _repairs.Enqueue(s);
                    }
                }
            }

            if (checkpointSerial == _checkpointSeq.Count - 1)
            {
                _timerDue = now + _round + (_blockIn ? _receiptWait : 0);
            }

            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>A receipt the sender verified (§17.5): the session ends delivered. False when it had ended already.</summary>
    public bool OnReceipt(byte[] receipt, int datagramLength)
    {
        lock (_gate)
        {
            if (_over)
            {
                return false;
            }

            BytesReceived += datagramLength;
            DeliveredAt = DeliveredAt == 0 ? _time.GetTimestamp() : DeliveredAt;
            Receipt = receipt;
            EndLocked(BulkCancelReason.None, tellPeer: false);
            return true;
        }
    }

    /// <summary>The receiver cancelled the session.</summary>
    public void OnCancel(BulkCancelReason reason, int datagramLength)
    {
        lock (_gate)
        {
            BytesReceived += datagramLength;
            EndLocked(reason, tellPeer: false);
        }
    }

    /// <summary>Bytes of an answer the session took no notice of (a receipt that did not verify), for the return-path count.</summary>
    public void CountReceived(int datagramLength)
    {
        lock (_gate)
        {
            BytesReceived += datagramLength;
        }
    }

    private void End(BulkCancelReason reason, bool tellPeer)
    {
        lock (_gate)
        {
            EndLocked(reason, tellPeer);
        }
    }

    private void EndLocked(BulkCancelReason reason, bool tellPeer)
    {
        if (_over)
        {
            return;
        }

        _over = true;
        EndedAt = _time.GetTimestamp();
        if (tellPeer && EndedAt < _sendUntil)
        {
            // Best effort: a lost cancel costs the receiver its state until the manifest's deadline, no more.
            Span<byte> cancel = stackalloc byte[BulkDatagram.HeaderSize + 1];
            _sink.Send(cancel[..BulkDatagram.WriteCancel(cancel, _id, reason)], _peer);
        }

        Monitor.PulseAll(_gate);
        _sendingDone.TrySetResult();
        _ended.TrySetResult(reason);
    }
}
