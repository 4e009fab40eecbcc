namespace Tern.Engine.Protocol.Notification;

/// <summary>Sizes and limits of the notification datagram, version 1 (docs/PROTOCOL.md §4, §12).</summary>
public static class NotificationLimits
{
    /// <summary>The protocol version this code speaks.</summary>
    public const byte Version = 1;
    /// <summary>Largest datagram: fits every IPv6 path without fragmentation.</summary>
    public const int MaxDatagramSize = 1200;
    /// <summary>version + type + sender key + nonce.</summary>
    public const int HeaderSize = 2 + 32 + 24;
    /// <summary>AEAD tag appended to the sealed body.</summary>
    public const int TagSize = 16;
    /// <summary>sent_at + count.</summary>
    public const int BodyHeaderSize = 9;
    /// <summary>Largest plaintext body.</summary>
    public const int MaxBodySize = MaxDatagramSize - HeaderSize - TagSize;
    /// <summary>Records per datagram.</summary>
    public const int MaxRecords = 32;
    /// <summary>Fixed part of a notification record before the sender domain.</summary>
    public const int NotificationFixedSize = 115;
    /// <summary>Smallest notification record: one-byte domain, no MIME hint, no fetch hints.</summary>
    public const int MinNotificationRecordSize = NotificationFixedSize + 2 + 1 + 1;
    /// <summary>Fixed part of a retraction record before the sender domain.</summary>
    public const int RetractionFixedSize = 65;
    /// <summary>Smallest retraction record.</summary>
    public const int MinRetractionRecordSize = RetractionFixedSize + 2;
    /// <summary>Smallest well-formed datagram (one minimal retraction record).</summary>
    public const int MinDatagramSize = HeaderSize + BodyHeaderSize + 2 + MinRetractionRecordSize + TagSize;
    /// <summary>Longest MIME hint.</summary>
    public const int MaxMimeHintLength = 127;
    /// <summary>Fetch hints per record.</summary>
    public const int MaxFetchHints = 4;
    /// <summary>Longest fetch hint URI.</summary>
    public const int MaxFetchHintLength = 200;
    /// <summary>Tolerated clock skew.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(120);
    /// <summary>Oldest acceptable <c>sent_at</c>: the replay window.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(600);
    /// <summary>Longest transit expiry the protocol allows.</summary>
    public static readonly TimeSpan MaxTransit = TimeSpan.FromDays(30);
    /// <summary>Longest interval between two transmissions of a notification.</summary>
    public static readonly TimeSpan MaxRetransmitInterval = TimeSpan.FromSeconds(3600);
    /// <summary>Interval before the first retransmission.</summary>
    public static readonly TimeSpan InitialRetransmitInterval = TimeSpan.FromSeconds(2);
}
