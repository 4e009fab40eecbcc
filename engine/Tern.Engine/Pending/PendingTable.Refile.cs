using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// Files again a reference the table lost in a crash but the pull journal kept (docs/ARCHITECTURE.md §5.6): the same
    /// insert as a notification's, idempotent by capability, so one still filed stays as it is (<see cref="PendingInsertStatus.Duplicate"/>)
    /// and a new one lands after every sequence handed out before the crash. Not for a per-datagram path: it allocates.
    /// </summary>
    public PendingInsertResult Refile(RecipientHash hash, PendingReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var domain = Encoding.ASCII.GetBytes(reference.SenderDomain);
        var mime = Encoding.ASCII.GetBytes(reference.MimeHint);
        if (!FetchHintList.TryCreate(FetchHintList.Encode(reference.FetchHints), out var hints))
        {
            throw new ArgumentException("The reference's fetch hints break the limits of docs/PROTOCOL.md §4.2.", nameof(reference));
        }

        Span<byte> senderKey = stackalloc byte[Bytes32.Size];
        reference.SenderKey.CopyTo(senderKey);
        var record = new NotificationRecord(reference.Capability, hash, reference.TransitExpiryMs, reference.PayloadSize, reference.PayloadHash,
            Math.Max(reference.Attempt, (ushort)1), reference.Flags, domain, mime, hints);
        return TryInsert(record, senderKey, NowMs);
    }
}
