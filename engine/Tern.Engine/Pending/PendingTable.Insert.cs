using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// Files a notification record for polling, idempotently by capability (docs/PROTOCOL.md §4.5: a duplicate only
    /// replaces the filed reference's sender key, fetch hints and flags when they differ). Called once
    /// per record by the ingest loop, inside a run of inserts (<see cref="BeginInserts"/>) or alone: synchronous, and
    /// allocation-free in steady state (a sender domain's first record allocates its counter).
    /// </summary>
    /// <param name="record">A record that passed the checks of docs/PROTOCOL.md §4.4.</param>
    /// <param name="senderKey">The datagram's 32-byte sender agreement key, checked against the sender's descriptor before a pull (§4.7).</param>
    /// <param name="receivedAtMs">Now, ms since the epoch; tombstones are judged against it.</param>
    /// <exception cref="ArgumentException">The sender key is not 32 bytes, or a variable field is longer than §4.2 allows.</exception>
    public unsafe PendingInsertResult TryInsert(in NotificationRecord record, ReadOnlySpan<byte> senderKey, long receivedAtMs)
    {
        if (senderKey.Length != Bytes32.Size)
        {
            throw new ArgumentException($"The sender key is {Bytes32.Size} bytes, got {senderKey.Length}.", nameof(senderKey));
        }

        if (record.SenderDomain.IsEmpty || record.SenderDomain.Length > DomainName.MaxLength
            || record.MimeHint.Length > NotificationLimits.MaxMimeHintLength
            || record.FetchHints.Count > NotificationLimits.MaxFetchHints
            || record.FetchHints.Encoded.Length > NotificationLimits.MaxFetchHints * (1 + NotificationLimits.MaxFetchHintLength))
        {
            throw new ArgumentException("The record breaks the field limits of docs/PROTOCOL.md §4.2; validate it before inserting.", nameof(record));
        }

        ThrowIfDisposed();
        var capability = record.Capability.Value;
        var hash = record.RecipientHash.Value;
        var hashCode = _comparer.GetHashCode64(ref hash);
        var capabilityHashCode = _comparer.GetHashCode64(ref capability);
        _capabilityBuckets.Prefetch(capabilityHashCode);
        _recipientBuckets.Prefetch(hashCode);
        // Inside a run (BeginInserts) the gate and a session are already held by this thread.
        var inRun = s_runTable == this;
        PendingSession session;
        if (inRun)
        {
            session = s_runSession!;
        }
        else
        {
            _gate.EnterReadLock();
            session = _sessions.Rent();
        }

        try
        {
            lock (CapabilityLock(capabilityHashCode))
            {
                if (session.TryReadCapability(ref capability, out var existing))
                {
                    if (!existing.IsTombstone)
                    {
                        UpdateSenderProfile(session, record, senderKey, existing);
                        return PendingInsertResult.Duplicate(existing.Sequence);
                    }

                    if (existing.UntilMs > receivedAtMs)
                    {
                        return PendingInsertResult.Tombstoned;
                    }

                    // The tombstone outlived the replay window (§4.5): the capability may be filed again.
                }

                var domain = SenderDomainCounter(session, record.SenderDomain);
                if (Interlocked.Increment(ref domain.Count) > _options.MaxEntriesPerSenderDomain)
                {
                    Interlocked.Decrement(ref domain.Count);
                    return PendingInsertResult.Full(PendingCap.SenderDomain);
                }

                ulong sequence;
                lock (RecipientLock(hashCode))
                {
                    if (!session.TryReadRecipient(ref hash, out var state))
                    {
                        state.NextSequence = FirstSequence(receivedAtMs);
                        state.FirstSequence = state.NextSequence;
                    }
                    else if (state.Count >= _options.MaxEntriesPerRecipientHash)
                    {
                        Interlocked.Decrement(ref domain.Count);
                        return PendingInsertResult.Full(PendingCap.RecipientHash);
                    }

                    sequence = state.NextSequence++;
                    state.Count++;

                    // The reference before the state that points past it, so a concurrent poll never sees a hole it
                    // would skip for good.
                    var key = new RefKey(hash, sequence);
                    _refBuckets.Prefetch(_comparer.GetHashCode64(ref key));
                    var profile = session.ProfileBuffer[..SenderProfileCodec.Write(record, senderKey, session.ProfileBuffer)];
                    var profileId = SenderProfileId(session, profile);
                    var length = ReferenceCodec.Write(record, receivedAtMs, profileId, profile, session.EncodeBuffer);
                    session.WriteRef(ref key, length);
                    session.WriteRecipient(ref hash, ref state);
                    _recipientHints.Record(hashCode, state.NextSequence, session.RecipientFunctions.LastWritten);
                }

                var entry = new CapabilityEntry
                {
                    RecipientHash = hash,
                    Sequence = sequence,
                    UntilMs = record.TransitExpiryMs,
                    DomainId = domain.Id,
                };
                session.WriteCapability(ref capability, ref entry);
                Interlocked.Increment(ref _count);
                return PendingInsertResult.Inserted(sequence);
            }
        }
        finally
        {
            if (!inRun)
            {
                _sessions.Return(session);
                _gate.ExitReadLock();
            }
        }
    }

    private DomainCounter SenderDomainCounter(PendingSession session, ReadOnlySpan<byte> senderDomain)
    {
        if (session.LastSender.Domain(senderDomain) is { } last)
        {
            return last;
        }

        var counter = _domains.GetOrAdd(senderDomain);
        session.LastSender.RememberDomain(counter);
        return counter;
    }

    /// <summary>The id <paramref name="profile"/> is interned under, or 0 when the profiles are full (the reference carries it inline).</summary>
    private int SenderProfileId(PendingSession session, ReadOnlySpan<byte> profile)
    {
        if (session.LastSender.TryGetProfileId(profile, out var id))
        {
            return id;
        }

        if (!_profiles.TryGetOrAdd(profile, out id))
        {
            return 0;
        }

        session.LastSender.RememberProfile(profile, id);
        return id;
    }

    /// <summary>
    /// The first sequence of a recipient hash that has no state. States are deleted when their last reference
    /// goes, so a new one starts from the clock (ms × 65536) and above every sequence a deleted state handed
    /// out: a client's old cursor stays below the new references.
    /// </summary>
    private ulong FirstSequence(long receivedAtMs)
    {
        var fromClock = (ulong)Math.Max(receivedAtMs, 1) << 16;
        return Math.Max(fromClock, (ulong)Interlocked.Read(ref _sequenceFloor));
    }
}
