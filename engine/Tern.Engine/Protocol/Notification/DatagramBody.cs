using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// An opened and fully validated datagram body (docs/PROTOCOL.md §4.1): every record has been checked
/// before any is handed out, so a malformed datagram is dropped whole and enumeration cannot fail.
/// </summary>
public readonly ref struct DatagramBody
{
    private readonly ReadOnlySpan<byte> _records;

    private DatagramBody(DatagramType type, long sentAtMs, int count, ReadOnlySpan<byte> records)
    {
        Type = type;
        SentAtMs = sentAtMs;
        Count = count;
        _records = records;
    }

    /// <summary>The datagram type, which is the type of every record.</summary>
    public DatagramType Type { get; }

    /// <summary>When the sender sealed the datagram, ms since the epoch.</summary>
    public long SentAtMs { get; }

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>
    /// Opens the sealed body of <paramref name="header"/> with <paramref name="key"/> into <paramref name="plaintext"/>
    /// (at least <see cref="DatagramHeader.BodyLength"/> bytes) and validates its layout.
    /// </summary>
    public static DropReason TryOpen(in DatagramHeader header, ReadOnlySpan<byte> key, Span<byte> plaintext, out DatagramBody body)
    {
        var opened = plaintext[..header.BodyLength];
        return Parsed(XChaCha20Poly1305.TryOpen(key, header.Nonce, header.SealedBody, header.AssociatedData, opened), header.Type, opened, out body);
    }

    /// <summary>
    /// <see cref="TryOpen"/> with a receive key held as an <see cref="XChaCha20Poly1305Key"/> state, which keeps the
    /// subkey of the sender's nonce prefix across its datagrams (the ingest's peer key cache).
    /// </summary>
    internal static DropReason TryOpenWithKeyState(in DatagramHeader header, Span<byte> keyState, Span<byte> plaintext, out DatagramBody body)
    {
        var opened = plaintext[..header.BodyLength];
        return Parsed(XChaCha20Poly1305Key.TryOpen(keyState, header.Nonce, header.SealedBody, header.AssociatedData, opened), header.Type, opened, out body);
    }

    private static DropReason Parsed(bool authentic, DatagramType type, ReadOnlySpan<byte> opened, out DatagramBody body)
    {
        if (!authentic)
        {
            body = default;
            return DropReason.Undecryptable;
        }

        return TryParse(type, opened, out body);
    }

    /// <summary>Validates a plaintext body of <paramref name="type"/>.</summary>
    internal static DropReason TryParse(DatagramType type, ReadOnlySpan<byte> plaintext, out DatagramBody body)
    {
        body = default;
        if (plaintext.Length < NotificationLimits.BodyHeaderSize)
        {
            return DropReason.Malformed;
        }

        var sentAt = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        int count = plaintext[8];
        if (sentAt < 0 || count is 0 or > NotificationLimits.MaxRecords)
        {
            return DropReason.Malformed;
        }

        var offset = NotificationLimits.BodyHeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (!TryNextRecord(plaintext, ref offset, out var record)
                || (type == DatagramType.Notification ? !NotificationRecord.TryRead(record, out _) : !RetractionRecord.TryRead(record, out _)))
            {
                return DropReason.Malformed;
            }
        }

        if (plaintext[offset..].ContainsAnyExcept((byte)0))
        {
            return DropReason.Malformed;
        }

        body = new DatagramBody(type, sentAt, count, plaintext[NotificationLimits.BodyHeaderSize..offset]);
        return DropReason.None;
    }

    /// <summary>The validated record bytes after the body header: with <see cref="Type"/>, <see cref="SentAtMs"/> and <see cref="Count"/>, all <see cref="FromValidated"/> needs.</summary>
    internal ReadOnlySpan<byte> RecordBytes => _records;

    /// <summary>Rebuilds a body that <see cref="TryParse"/> accepted, from its parts, without validating it again.</summary>
    internal static DatagramBody FromValidated(DatagramType type, long sentAtMs, int count, ReadOnlySpan<byte> records) => new(type, sentAtMs, count, records);

    /// <summary>
    /// Copies each notification record's capability and recipient hash, its first 64 bytes (docs/PROTOCOL.md §4.2), into
    /// <paramref name="capabilities"/> and <paramref name="recipientHashes"/> and returns how many: the keys a batch
    /// prefetch needs, without reading the rest of the records (the body is validated: every record is longer). Copies
    /// nothing for a retraction body; each span must hold <see cref="Count"/> values.
    /// </summary>
    internal int CopyNotificationKeys(Span<FetchCapability> capabilities, Span<RecipientHash> recipientHashes)
    {
        if (Type != DatagramType.Notification)
        {
            return 0;
        }

        var copied = 0;
        var offset = 0;
        while (TryNextRecord(_records, ref offset, out var record))
        {
            capabilities[copied] = new FetchCapability(record);
            recipientHashes[copied++] = new RecipientHash(record[Bytes32.Size..]);
        }

        return copied;
    }

    /// <summary>The notification records (empty unless <see cref="Type"/> is <see cref="DatagramType.Notification"/>).</summary>
    public NotificationEnumerator Notifications => new(Type == DatagramType.Notification ? _records : default);

    /// <summary>The retraction records (empty unless <see cref="Type"/> is <see cref="DatagramType.Retraction"/>).</summary>
    public RetractionEnumerator Retractions => new(Type == DatagramType.Retraction ? _records : default);

    private static bool TryNextRecord(ReadOnlySpan<byte> records, scoped ref int offset, out ReadOnlySpan<byte> record)
    {
        record = default;
        if (offset + 2 > records.Length)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(records[offset..]);
        if (offset + 2 + length > records.Length)
        {
            return false;
        }

        record = records.Slice(offset + 2, length);
        offset += 2 + length;
        return true;
    }

    /// <summary>Allocation-free enumerator over validated notification records.</summary>
    public ref struct NotificationEnumerator
    {
        private readonly ReadOnlySpan<byte> _records;
        private int _offset;
        private NotificationRecord _current;

        internal NotificationEnumerator(ReadOnlySpan<byte> records)
        {
            _records = records;
            _offset = 0;
            _current = default;
        }

        /// <summary>The current record.</summary>
        public readonly NotificationRecord Current => _current;

        /// <summary>Enables <c>foreach</c>.</summary>
        public readonly NotificationEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next record.</summary>
        public bool MoveNext() => TryNextRecord(_records, ref _offset, out var record) && NotificationRecord.TryRead(record, out _current);
    }

    /// <summary>Allocation-free enumerator over validated retraction records.</summary>
    public ref struct RetractionEnumerator
    {
        private readonly ReadOnlySpan<byte> _records;
        private int _offset;
        private RetractionRecord _current;

        internal RetractionEnumerator(ReadOnlySpan<byte> records)
        {
            _records = records;
            _offset = 0;
            _current = default;
        }

        /// <summary>The current record.</summary>
        public readonly RetractionRecord Current => _current;

        /// <summary>Enables <c>foreach</c>.</summary>
        public readonly RetractionEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next record.</summary>
        public bool MoveNext() => TryNextRecord(_records, ref _offset, out var record) && RetractionRecord.TryRead(record, out _current);
    }
}
