using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// A duplicate of a live reference (same capability, filed under the same hash, same sender domain) that arrives with
    /// another sender key, other fetch hints or another <c>via_gateway</c> flag replaces those three in the stored
    /// reference, in place: same sequence, not listed again, every other field as first filed (docs/PROTOCOL.md §4.5). A
    /// gateway that came back on other ports notifies again with its new doors, and an unfinished pull reads them back
    /// before its next try. One read of the reference; a duplicate that changes none of them writes nothing. Called
    /// under the capability's lock.
    /// </summary>
    private void UpdateSenderProfile(PendingSession session, in NotificationRecord record, ReadOnlySpan<byte> senderKey, in CapabilityEntry existing)
    {
        if (!existing.RecipientHash.Equals(record.RecipientHash.Value))
        {
            return;
        }

        var key = new RefKey(existing.RecipientHash, existing.Sequence);
        if (!session.TryReadRef(ref key, out var stored)
            || !ReferenceCodec.TryReadProfile(stored, _profiles, out var storedProfile, out var storedFlags)
            || !SenderProfileCodec.TryRead(storedProfile, out var storedKey, out var domain, out var mime, out var hintCount, out var hints))
        {
            return;
        }

        var flags = (byte)record.Flags;
        var newHints = record.FetchHints.Encoded;
        if (flags == storedFlags && senderKey.SequenceEqual(storedKey) && record.FetchHints.Count == hintCount && newHints.SequenceEqual(hints))
        {
            return;
        }

        // The domain was charged for this reference and names the descriptor its key is checked against: a duplicate
        // claiming another domain changes nothing.
        if (!domain.SequenceEqual(record.SenderDomain))
        {
            return;
        }

        var profile = session.ProfileBuffer[..SenderProfileCodec.Write(senderKey, domain, mime, record.FetchHints.Count, newHints, session.ProfileBuffer)];
        _profiles.TryGetOrAdd(profile, out var profileId);
        var length = ReferenceCodec.WithProfile(stored, flags, profileId, profile, session.EncodeBuffer);
        if (length > 0)
        {
            session.WriteRef(ref key, length);
            Interlocked.Increment(ref _profileUpdates);
        }
    }
}
