namespace Tern.Engine.Protocol.Notification;

/// <summary>One retraction notice (docs/PROTOCOL.md §4.2, §11): "forget this capability".</summary>
public readonly ref struct RetractionRecord
{
    /// <summary>Creates a record to write.</summary>
    public RetractionRecord(FetchCapability capability, RecipientHash recipientHash, RetractionFlags flags, ReadOnlySpan<byte> senderDomain)
    {
        Capability = capability;
        RecipientHash = recipientHash;
        Flags = flags;
        SenderDomain = senderDomain;
    }

    /// <summary>The retracted capability.</summary>
    public FetchCapability Capability { get; }
    /// <summary>The hash it was notified under.</summary>
    public RecipientHash RecipientHash { get; }
    /// <summary>Record flags.</summary>
    public RetractionFlags Flags { get; }
    /// <summary>The submitting domain, ASCII.</summary>
    public ReadOnlySpan<byte> SenderDomain { get; }

    /// <summary>Encoded length without the u16 length prefix.</summary>
    public int EncodedLength => NotificationLimits.RetractionFixedSize + 1 + SenderDomain.Length;

    /// <summary>True when every field is within the limits of §4.2.</summary>
    public bool IsValid => DomainName.IsValid(SenderDomain) && (Flags & ~RetractionFlags.AfterFetch) == 0;

    internal void Write(Span<byte> destination)
    {
        Capability.CopyTo(destination);
        RecipientHash.CopyTo(destination[32..]);
        destination[64] = (byte)Flags;
        var offset = NotificationLimits.RetractionFixedSize;
        ShortString.Write(destination, ref offset, SenderDomain);
    }

    internal static bool TryRead(ReadOnlySpan<byte> source, out RetractionRecord record)
    {
        record = default;
        var offset = NotificationLimits.RetractionFixedSize;
        if (source.Length < NotificationLimits.MinRetractionRecordSize || !ShortString.TryRead(source, ref offset, out var domain))
        {
            return false;
        }

        record = new RetractionRecord(new FetchCapability(source), new RecipientHash(source[32..]), (RetractionFlags)source[64], domain);
        return record.IsValid;
    }
}
