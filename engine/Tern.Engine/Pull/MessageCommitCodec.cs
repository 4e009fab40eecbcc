using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The records of the message store's commit log (docs/ARCHITECTURE.md §5.2), little-endian, each framed so a torn tail
/// or the zeros written ahead of it are told from a record: <c>length u32, checksum 8 (the first 8 bytes of the body's
/// BLAKE2b-256), body</c>.
/// <code>
/// committed: 0x01 recipient_hash:32 capability:32 size:i64 payload_hash:32 stored_ms:i64
///            sender_len:u8 sender mime_len:u16 mime inline_len:u32 inline annotation_len:u32 annotation
/// deleted:   0x02 recipient_hash:32 capability:32
/// </code>
/// <c>inline</c> is the whole blob when it is small enough to ride in the record, else empty; <c>annotation</c> is what
/// the store's committed hook asked to keep with the record (the client API's <c>pulled</c> event line).
/// </summary>
internal static class MessageCommitCodec
{
    public const byte CommittedType = 1;
    public const byte DeletedType = 2;
    public const int HeaderSize = 4 + 8;

    /// <summary>Longest body read back; a length above it is a damaged tail.</summary>
    public const int MaxBodySize = 4 << 20;

    private const int FixedCommittedSize = 1 + 32 + 32 + 8 + 32 + 8;

    /// <summary>A framed committed record.</summary>
    /// <exception cref="ArgumentException">A field is longer than the record allows.</exception>
    public static byte[] Committed(StoredMessage message, ReadOnlySpan<byte> inline, ReadOnlySpan<byte> annotation)
    {
        var sender = Encoding.UTF8.GetBytes(message.SenderDomain);
        var mime = Encoding.UTF8.GetBytes(message.MimeHint);
        if (sender.Length > byte.MaxValue || mime.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The sender domain or MIME hint is longer than a commit record holds.", nameof(message));
        }

        var bodySize = FixedCommittedSize + 1 + sender.Length + 2 + mime.Length + 4 + inline.Length + 4 + annotation.Length;
        if (bodySize > MaxBodySize)
        {
            throw new ArgumentException($"A commit record of {bodySize} bytes is longer than {MaxBodySize}.", nameof(inline));
        }

        var record = new byte[HeaderSize + bodySize];
        var body = record.AsSpan(HeaderSize);
        body[0] = CommittedType;
        message.RecipientHash.CopyTo(body[1..]);
        message.Capability.CopyTo(body[33..]);
        BinaryPrimitives.WriteInt64LittleEndian(body[65..], message.Size);
        message.PayloadHash.CopyTo(body[73..]);
        BinaryPrimitives.WriteInt64LittleEndian(body[105..], message.StoredAtMs);
        var at = FixedCommittedSize;
        body[at++] = (byte)sender.Length;
        sender.CopyTo(body[at..]);
        at += sender.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(body[at..], (ushort)mime.Length);
        at += 2;
        mime.CopyTo(body[at..]);
        at += mime.Length;
        BinaryPrimitives.WriteInt32LittleEndian(body[at..], inline.Length);
        at += 4;
        inline.CopyTo(body[at..]);
        at += inline.Length;
        BinaryPrimitives.WriteInt32LittleEndian(body[at..], annotation.Length);
        at += 4;
        annotation.CopyTo(body[at..]);
        Seal(record);
        return record;
    }

    /// <summary>A framed deleted record.</summary>
    public static byte[] Deleted(RecipientHash hash, FetchCapability capability)
    {
        var record = new byte[HeaderSize + 65];
        var body = record.AsSpan(HeaderSize);
        body[0] = DeletedType;
        hash.CopyTo(body[1..]);
        capability.CopyTo(body[33..]);
        Seal(record);
        return record;
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>: its framed length, or 0 at a torn or damaged tail or
    /// the zeros ahead of the last record (a length of 0, past the end, a checksum that does not match, a body no writer
    /// made), which ends the replay.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out MessageCommitRecord? record)
    {
        record = null;
        if (source.Length < HeaderSize)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (length < 65 || length > MaxBodySize || length > source.Length - HeaderSize)
        {
            return 0;
        }

        var body = source.Slice(HeaderSize, length);
        Span<byte> sum = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(body, sum);
        if (!sum[..8].SequenceEqual(source.Slice(4, 8)))
        {
            return 0;
        }

        var hash = new RecipientHash(body[1..33]);
        var capability = new FetchCapability(body[33..65]);
        switch (body[0])
        {
            case DeletedType when length == 65:
                record = new MessageCommitRecord(hash, capability, null, default, default);
                return HeaderSize + length;
            case CommittedType when length > FixedCommittedSize:
                record = ReadCommitted(body, hash, capability);
                return record is null ? 0 : HeaderSize + length;
            default:
                return 0;
        }
    }

    private static MessageCommitRecord? ReadCommitted(ReadOnlySpan<byte> body, RecipientHash hash, FetchCapability capability)
    {
        var size = BinaryPrimitives.ReadInt64LittleEndian(body[65..]);
        var payloadHash = new Bytes32(body[73..105]);
        var storedAt = BinaryPrimitives.ReadInt64LittleEndian(body[105..]);
        var rest = body[FixedCommittedSize..];
        if (rest.Length < 1 || rest.Length < 1 + rest[0])
        {
            return null;
        }

        var sender = Encoding.UTF8.GetString(rest.Slice(1, rest[0]));
        rest = rest[(1 + rest[0])..];
        if (rest.Length < 2 || rest.Length < 2 + BinaryPrimitives.ReadUInt16LittleEndian(rest))
        {
            return null;
        }

        var mimeLength = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        var mime = Encoding.UTF8.GetString(rest.Slice(2, mimeLength));
        rest = rest[(2 + mimeLength)..];
        if (!TryTake(ref rest, out var inline) || !TryTake(ref rest, out var annotation) || !rest.IsEmpty || size < 0
            || (inline.Length != 0 && inline.Length != size))
        {
            return null;
        }

        var message = new StoredMessage(hash, capability, sender, size, payloadHash, mime, storedAt);
        return new MessageCommitRecord(hash, capability, message, inline.ToArray(), annotation.ToArray());
    }

    private static bool TryTake(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        field = default;
        if (rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        if (length < 0 || length > rest.Length - 4)
        {
            return false;
        }

        field = rest.Slice(4, length);
        rest = rest[(4 + length)..];
        return true;
    }

    private static void Seal(byte[] record)
    {
        var body = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        Span<byte> sum = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(body, sum);
        sum[..8].CopyTo(record.AsSpan(4));
    }
}

/// <summary>
/// A record of the message store's commit log: a message committed (<see cref="Message"/> set, with its blob when it
/// rode inline and what the committed hook kept with it) or deleted (<see cref="Message"/> null).
/// </summary>
internal sealed record MessageCommitRecord(RecipientHash Hash, FetchCapability Capability, StoredMessage? Message, ReadOnlyMemory<byte> Inline, ReadOnlyMemory<byte> Annotation);
