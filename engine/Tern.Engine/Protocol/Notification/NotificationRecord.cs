using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// One notification record (docs/PROTOCOL.md §4.2): "a blob waits for this recipient hash, fetch it with
/// this capability". Variable fields are spans into the opened datagram or the caller's buffers.
/// </summary>
public readonly ref struct NotificationRecord
{
    /// <summary>Creates a record to write.</summary>
    public NotificationRecord(
        FetchCapability capability,
        RecipientHash recipientHash,
        long transitExpiryMs,
        long payloadSize,
        Bytes32 payloadHash,
        ushort attempt,
        NotificationFlags flags,
        ReadOnlySpan<byte> senderDomain,
        ReadOnlySpan<byte> mimeHint,
        FetchHintList fetchHints)
    {
        Capability = capability;
        RecipientHash = recipientHash;
        TransitExpiryMs = transitExpiryMs;
        PayloadSize = payloadSize;
        PayloadHash = payloadHash;
        Attempt = attempt;
        Flags = flags;
        SenderDomain = senderDomain;
        MimeHint = mimeHint;
        FetchHints = fetchHints;
    }

    /// <summary>The fetch capability of the delivery.</summary>
    public FetchCapability Capability { get; }
    /// <summary>Where the recipient's domain files the notification.</summary>
    public RecipientHash RecipientHash { get; }
    /// <summary>Transit expiry, ms since the epoch.</summary>
    public long TransitExpiryMs { get; }
    /// <summary>Blob length in bytes.</summary>
    public long PayloadSize { get; }
    /// <summary>The payload hash of the blob (docs/PROTOCOL.md §4.8).</summary>
    public Bytes32 PayloadHash { get; }
    /// <summary>1 for the first transmission, never 0 (docs/PROTOCOL.md §4.2).</summary>
    public ushort Attempt { get; }
    /// <summary>Record flags.</summary>
    public NotificationFlags Flags { get; }
    /// <summary>The submitting domain, ASCII.</summary>
    public ReadOnlySpan<byte> SenderDomain { get; }
    /// <summary>Sender-asserted MIME hint, ASCII, possibly empty.</summary>
    public ReadOnlySpan<byte> MimeHint { get; }
    /// <summary>Where the blob may be fetched.</summary>
    public FetchHintList FetchHints { get; }

    /// <summary>Encoded length of this record, without its u16 length prefix.</summary>
    public int EncodedLength => NotificationLimits.NotificationFixedSize + 1 + SenderDomain.Length + 1 + MimeHint.Length + 1 + FetchHints.Encoded.Length;

    /// <summary>
    /// True when every field is within the limits of §4.2: times and sizes below 2^63 (a size of 0 is an empty blob),
    /// <c>attempt</c> from 1, no reserved flag bit, a valid domain, and hints that are 1–200 printable ASCII bytes
    /// (their scheme is judged at pull time, §8.5).
    /// </summary>
    public bool IsValid =>
        TransitExpiryMs >= 0 && PayloadSize >= 0 && Attempt >= 1
        && DomainName.IsValid(SenderDomain)
        && MimeHint.Length <= NotificationLimits.MaxMimeHintLength && ShortString.IsPrintableAscii(MimeHint)
        && FetchHints.Count <= NotificationLimits.MaxFetchHints
        && (Flags & ~NotificationFlags.ViaGateway) == 0;

    /// <summary>Writes the record (no length prefix); <paramref name="destination"/> holds at least <see cref="EncodedLength"/> bytes.</summary>
    internal void Write(Span<byte> destination)
    {
        Capability.CopyTo(destination);
        RecipientHash.CopyTo(destination[32..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[64..], TransitExpiryMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[72..], PayloadSize);
        PayloadHash.CopyTo(destination[80..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[112..], Attempt);
        destination[114] = (byte)Flags;
        var offset = NotificationLimits.NotificationFixedSize;
        ShortString.Write(destination, ref offset, SenderDomain);
        ShortString.Write(destination, ref offset, MimeHint);
        destination[offset++] = (byte)FetchHints.Count;
        FetchHints.Encoded.CopyTo(destination[offset..]);
    }

    /// <summary>Parses a record of exactly the bytes its length prefix gave; trailing bytes are future fields.</summary>
    internal static bool TryRead(ReadOnlySpan<byte> source, out NotificationRecord record)
    {
        record = default;
        if (source.Length < NotificationLimits.MinNotificationRecordSize)
        {
            return false;
        }

        // u64 on the wire; values above long.MaxValue cannot be a real time or size.
        var expiry = BinaryPrimitives.ReadInt64BigEndian(source[64..]);
        var size = BinaryPrimitives.ReadInt64BigEndian(source[72..]);
        var offset = NotificationLimits.NotificationFixedSize;
        if (!ShortString.TryRead(source, ref offset, out var domain)
            || !ShortString.TryRead(source, ref offset, out var mime)
            || offset >= source.Length)
        {
            return false;
        }

        int hintCount = source[offset++];
        if (hintCount > NotificationLimits.MaxFetchHints || !FetchHintList.TryRead(source, ref offset, hintCount, out var hints))
        {
            return false;
        }

        record = new NotificationRecord(
            new FetchCapability(source),
            new RecipientHash(source[32..]),
            expiry,
            size,
            new Bytes32(source[80..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[112..]),
            (NotificationFlags)source[114],
            domain,
            mime,
            hints);
        return record.IsValid;
    }
}
