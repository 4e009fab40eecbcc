namespace Tern.Engine.Bulk;

internal sealed partial class OutgoingSession
{
    /// <summary>
    /// The sending thread: waits for the pace, takes the next segment (a checkpoint sent again, a repair, or fresh data),
    /// reads it from the block file and sends it. Idle, it watches the checkpoint timer and the bound. One buffer for the
    /// whole session.
    /// </summary>
    private void SendLoop()
    {
        var datagram = new byte[_options.MaxDatagramBytes];
        var ticksPerBit = (double)_time.TimestampFrequency / _contact.RateBitsPerSecond;

        // After a wait the sender may catch up by at most 10 ms of the rate (at least 4 datagrams): a sleep of 1 ms often
        // lasts longer on a loaded machine, and without catching up the pace would fall below the contact's rate; with it,
        // bursts stay far below a link's queue (25 kB at 20 Mbit/s).
        var least = (long)Math.Max(4 * _options.MaxDatagramBytes * 8 * ticksPerBit, _time.TimestampFrequency / 100);
        var burst = least;
        var sleep = 0L;
        var nextSendAt = _time.GetTimestamp();
        while (true)
        {
            var now = _time.GetTimestamp();
            if (now < nextSendAt)
            {
                Thread.Sleep(1);

                // On a scaled clock a real millisecond is many clock ticks: the catch-up allowed is at least twice the
                // average sleep (in clock ticks), or a 60× clock would pace at a sixth of the rate. An average, so one
                // long stall of a loaded machine does not allow a burst that overflows the link's queue.
                sleep += (_time.GetTimestamp() - now - sleep) / 8;
                burst = Math.Max(least, 2 * sleep);
                continue;
            }

            int segment;
            uint serial;
            lock (_gate)
            {
                if (_over)
                {
                    return;
                }

                if (now >= _deadline)
                {
                    EndLocked(BulkCancelReason.Deadline, tellPeer: true);
                    return;
                }

                if (now >= _sendUntil)
                {
                    // The contact is over: nothing more is sent, not even a cancel; a receipt may still come (§17.6).
                    _sendingDone.TrySetResult();
                    Monitor.Wait(_gate, 2);
                    continue;
                }

                segment = NextSegmentLocked(now, out serial);
                if (segment < 0)
                {
                    if (now >= _timerDue)
                    {
                        if (_retries >= _options.RetryLimit)
                        {
                            EndLocked(BulkCancelReason.RetryLimit, tellPeer: true);
                            return;
                        }

                        // No answer to the latest checkpoint within a round: send it again (a lost report or
                        // receipt never leaves the session waiting, §17.4).
                        _retries++;
                        CheckpointRetries++;
                        _resendCheckpoint = true;
                        continue;
                    }

                    Monitor.Wait(_gate, 2);
                    continue;
                }
            }

            var offset = (long)segment * _payload;
            var length = (int)Math.Min(_payload, _blockLength - offset);
            var read = RandomAccess.Read(_block, datagram.AsSpan(BulkDatagram.DataHeaderSize, length), offset);
            if (read != length)
            {
                End(BulkCancelReason.SourceGone, tellPeer: true);
                return;
            }

            var size = BulkDatagram.WriteData(datagram, _id, serial, _blockLength, offset, length);
            _sink.Send(datagram.AsSpan(0, size), _peer);
            lock (_gate)
            {
                BytesSent += size;
                DatagramsSent++;
            }

            nextSendAt = Math.Max(nextSendAt, now - burst) + (long)(size * 8 * ticksPerBit);
        }
    }

    /// <summary>The next segment to send and its checkpoint serial (0 for none), or -1 when there is nothing to send now.</summary>
    private int NextSegmentLocked(long now, out uint serial)
    {
        serial = 0;
        int segment;
        bool checkpoint;
        var freshDone = _nextFresh == _segments;
        if (_resendCheckpoint && _lastCheckpointSegment >= 0)
        {
            _resendCheckpoint = false;
            segment = _lastCheckpointSegment;
            checkpoint = true;
        }
        else if (!_blockIn && _repairs.Count > 0)
        {
            segment = _repairs.Dequeue();
            _queued[segment] = false;
            Repairs++;

            // The end of a repair batch asks for a report, so what is still missing is learned a round later.
            checkpoint = _repairs.Count == 0 && freshDone;
        }
        else if (!_blockIn && !freshDone && SegmentStaged(_nextFresh))
        {
            segment = _nextFresh;
            _nextFresh++;
            checkpoint = _nextFresh == _segments;
        }
        else if (!_blockIn && freshDone && _options.TailRedundancy && NextTailSegmentLocked(out segment))
        {
            // Idle time sent again, not repaired: its last-sent mark stays, so a report may still queue it.
            DatagramsRepeated++;
            TailCopies++;
            return segment;
        }
        else
        {
            return -1;
        }

        if (_lastSent[segment] != 0)
        {
            DatagramsRepeated++;
        }

        _seq++;
        _lastSent[segment] = _seq;
        if (checkpoint || ++_sinceCheckpoint >= _options.CheckpointEvery)
        {
            _sinceCheckpoint = 0;
            serial = (uint)_checkpointSeq.Count;
            _checkpointSeq.Add(_seq);
            _lastCheckpointSegment = segment;
            _timerDue = now + _round + (_blockIn ? _receiptWait : 0);
        }

        return segment;
    }

    /// <summary>
    /// The next of the last light time's worth of segments to send again, newest first, once the first pass is done and
    /// nothing else waits (§17.4, tail redundancy): the link would idle for a round trip until the reports come back, and a
    /// loss among the newest segments, whose reports come last, is then filled without waiting a round. A segment queued
    /// for repair is left to the repair.
    /// </summary>
    private bool NextTailSegmentLocked(out int segment)
    {
        if (!_tailStarted)
        {
            _tailStarted = true;
            var tail = (long)(_contact.OneWayLightTime.TotalSeconds * _contact.RateBitsPerSecond / 8 / _options.MaxDatagramBytes);
            _tailNext = _segments - 1;
            _tailEnd = (int)Math.Max(0, _segments - Math.Max(1, tail));
        }

        while (_tailNext >= _tailEnd && _queued[_tailNext])
        {
            _tailNext--;
        }

        segment = _tailNext;
        if (_tailNext < _tailEnd)
        {
            return false;
        }

        _tailNext--;
        return true;
    }

    private bool SegmentStaged(int segment) =>
        Volatile.Read(ref _staged) >= Math.Min(_blockLength, (segment + 1L) * _payload);
}
