using System.Net;

namespace Tern.Engine.Bulk;

public sealed partial class BulkReceiver
{
    /// <summary>
    /// One datagram from a sending gateway (the socket's receive thread), <paramref name="from"/> its source. Data goes
    /// into its session's block (a session is opened by its first datagram, within the limits); a checkpoint is answered;
    /// a cancel ends the session. Anything malformed, of a type the receiver does not take, or over the limits is dropped
    /// and counted, never answered — except a session refused, whose checkpoints get a cancel (§17.2).
    /// </summary>
    public void Receive(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!BulkDatagram.TryReadHeader(datagram, out var type, out var flags, out var id))
        {
            Counters.Malform();
            return;
        }

        if (type == BulkDatagramType.Cancel)
        {
            OnCancel(datagram, flags, id);
            return;
        }

        if (type != BulkDatagramType.Data)
        {
            Counters.Unexpect();
            return;
        }

        if (!BulkDatagram.TryReadData(datagram, flags, out var serial, out var blockLength, out var offset, out var data))
        {
            Counters.Malform();
            return;
        }

        lock (_gate)
        {
            if (_disposed || SessionFor(id, blockLength, from) is not { } session)
            {
                return;
            }

            session.LastHeard = _time.GetTimestamp();
            if (session.State == IncomingState.Receiving && session.Ranges.Add(offset, offset + data.Length) > 0)
            {
                if (!TryWrite(session, data, offset))
                {
                    return;
                }

                if (session.Manifest is null)
                {
                    TryReadManifest(session);
                }

                if (session.State == IncomingState.Receiving && session.Ranges.Covered == session.BlockLength && session.Manifest is not null)
                {
                    session.State = IncomingState.Committing;
                    BlockCompleted?.Invoke(session.Id);
                    _commits.Add(CommitAsync(session));
                }
            }

            if (serial != 0)
            {
                AnswerCheckpoint(session, serial);
            }
        }
    }

    /// <summary>The session a data datagram belongs to, opened if new and within the limits; null when it is dropped.</summary>
    private IncomingSession? SessionFor(BulkSessionId id, long blockLength, SocketAddress from)
    {
        if (_sessions.TryGetValue(id, out var session))
        {
            if (session.BlockLength != blockLength)
            {
                Counters.Unexpect();
                return null;
            }

            if (!session.Peer.Equals(from))
            {
                // The first datagram's source is the session's peer: another address cannot steer or redirect it.
                Counters.Foreign();
                return null;
            }

            return session;
        }

        if (_sessions.Count >= _options.MaxSessions && !EvictUnproven())
        {
            Counters.OverLimitDrop();
            return null;
        }

        session = new IncomingSession(id, Copy(from), blockLength, Path.Combine(_directory, id + ".block"), _options.MaxDatagramBytes, _time.GetTimestamp());
        _sessions.Add(id, session);
        if (blockLength > _options.MaxBlockBytes)
        {
            Refuse(session, $"a block of {blockLength} bytes is over this gateway's {_options.MaxBlockBytes}");
        }

        return session;
    }

    /// <summary>
    /// Makes room when the table is full by forgetting the longest-silent session without a manifest verified against its
    /// sender's descriptor (refused, or forged datagrams of a made-up session): a real session's manifest is its first
    /// datagrams, so it is rarely without one for long.
    /// </summary>
    private bool EvictUnproven()
    {
        IncomingSession? oldest = null;
        foreach (var session in _sessions.Values)
        {
            if (!session.Verified && (oldest is null || session.LastHeard < oldest.LastHeard))
            {
                oldest = session;
            }
        }

        if (oldest is null)
        {
            return false;
        }

        Forget(oldest);
        return true;
    }

    /// <summary>Parses the manifest once its bytes are all in; refuses the session when it cannot be one (§17.3, §17.5).</summary>
    private void TryReadManifest(IncomingSession session)
    {
        if (!session.Ranges.HasPrefix(5))
        {
            return;
        }

        Span<byte> head = stackalloc byte[5];
        RandomAccess.Read(session.File, head, 0);
        var length = BulkManifest.PeekLength(head);
        if (length < 0 || length > session.BlockLength)
        {
            Refuse(session, "the block does not start with a manifest");
            return;
        }

        if (!session.Ranges.HasPrefix(length))
        {
            return;
        }

        var bytes = new byte[length];
        RandomAccess.Read(session.File, bytes, 0);
        var manifest = BulkManifest.TryParse(bytes);
        var keys = _keys();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string? problem = manifest is null ? "the manifest is malformed or its signature does not verify"
            : manifest.Session != session.Id ? "the manifest names another session"
            : !string.Equals(manifest.ReceiverGateway, keys.Domain, StringComparison.Ordinal) ? $"the manifest names gateway {manifest.ReceiverGateway}"
            : length + manifest.PayloadBytes != session.BlockLength ? "the block's length is not the manifest's"
            : manifest.DeadlineMs - nowMs > (long)_options.MaxSessionLifetime.TotalMilliseconds ? "the manifest's deadline is too far"
            : !_senders.Allows(manifest.SenderGateway) ? $"this gateway takes no sessions from {manifest.SenderGateway}"
            : null;
        if (problem is not null)
        {
            Refuse(session, problem);
            return;
        }

        session.Manifest = manifest;
        session.ManifestBytes = bytes;
        _ = VerifySenderAsync(session, manifest!);
    }

    /// <summary>
    /// Checks the manifest's key against the sending gateway's descriptor as soon as the manifest parsed, so a manifest
    /// signed by anyone else is refused at once rather than holding a session until its deadline (§17.5).
    /// </summary>
    private async Task VerifySenderAsync(IncomingSession session, BulkManifest manifest)
    {
        var descriptor = await _descriptors.ResolveAsync(manifest.SenderGateway, CancellationToken.None).ConfigureAwait(false);
        var verified = descriptor is not null
            && Array.IndexOf(Custody.CustodyKeys.SigningKeys(descriptor, _time.GetUtcNow()), manifest.SenderSigningKey) >= 0;
        lock (_gate)
        {
            if (verified)
            {
                session.Verified = true;
            }
            else if (session.State == IncomingState.Receiving && _sessions.ContainsKey(session.Id))
            {
                Refuse(session, descriptor is null ? $"no verified descriptor of {manifest.SenderGateway} just now" : $"the manifest is not signed by {manifest.SenderGateway}'s descriptor key");
            }
        }
    }

    /// <summary>Answers a checkpoint as the session stands: the holes, complete, the receipt, or a cancel.</summary>
    private void AnswerCheckpoint(IncomingSession session, uint serial)
    {
        switch (session.State)
        {
            case IncomingState.Receiving:
                SendReports(session, serial);
                break;
            case IncomingState.Committing:
                Send(session, BulkDatagram.WriteReport(session.Answer, session.Id, complete: true, serial, session.BlockLength, 0));
                Counters.Report();
                break;
            case IncomingState.Done:
                _sink.Send(session.ReceiptDatagram, session.Peer);
                break;
            default:
                Send(session, BulkDatagram.WriteCancel(session.Answer, session.Id, BulkCancelReason.Refused));
                break;
        }
    }

    /// <summary>The holes of the block, lowest first, in up to <see cref="BulkReceiverOptions.MaxReportsPerCheckpoint"/> reports.</summary>
    private void SendReports(IncomingSession session, uint serial)
    {
        // Before a manifest that verified, one report of one range: no bigger than the datagram that asked for it, so a
        // forged checkpoint with a spoofed source cannot make this port an amplifier.
        var proven = session.Manifest is not null;
        var perReport = proven ? (_options.MaxDatagramBytes - BulkDatagram.ReportHeaderSize) / BulkDatagram.RangeSize : 1;
        var reports = proven ? _options.MaxReportsPerCheckpoint : 1;
        long from = 0;
        for (var report = 0; report < reports; report++)
        {
            var count = session.Ranges.Missing(from, session.BlockLength, perReport, session.Answer, BulkDatagram.WriteRange, out var next);
            if (count == 0 && report > 0)
            {
                return;
            }

            Send(session, BulkDatagram.WriteReport(session.Answer, session.Id, complete: false, serial, session.BlockLength, count));
            Counters.Report();
            if (count < perReport)
            {
                return;
            }

            from = next;
        }
    }

    /// <summary>Writes data into the block file; a failing disk refuses the session rather than the process dying.</summary>
    private bool TryWrite(IncomingSession session, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(session.File, data, offset);
            return true;
        }
        catch (IOException e)
        {
            Refuse(session, $"its block cannot be written: {e.Message}");
            return false;
        }
    }

    private void OnCancel(ReadOnlySpan<byte> datagram, byte flags, BulkSessionId id)
    {
        if (!BulkDatagram.TryReadCancel(datagram, flags, out var reason))
        {
            Counters.Malform();
            return;
        }

        lock (_gate)
        {
            if (!_sessions.TryGetValue(id, out var session))
            {
                Counters.Unknown();
                return;
            }

            if (session.State == IncomingState.Committing)
            {
                session.CancelledBySender = true;
                return;
            }

            if (session.State == IncomingState.Receiving)
            {
                Counters.Cancel();
                BulkLogMessages.Dropped(_logger, id.ToString(), session.Manifest?.SenderGateway ?? "-", $"cancelled by its sender: {reason}");
            }

            Forget(session);
        }
    }

    private void Refuse(IncomingSession session, string detail)
    {
        session.State = IncomingState.Refused;
        Counters.Refuse();
        BulkLogMessages.Refused(_logger, session.Id.ToString(), detail);
    }
}
