using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>
/// Binary layout of journal entries (docs/ARCHITECTURE.md §3.2), big-endian. A submission record carries everything
/// needed to rebuild the blob's index record; a state change lists the capabilities it moves.
/// <code>
/// submission:   0x03 at_ms:8 message_id:32 expiry_ms:8 size:8 payload_hash:32 window_start:8 window_end:8
///               first_chunk:8 chunk_map:8 chunk_size:4 leaves:8 account:1+n mime:1+n count:2
///               count×(capability:32 hash:32 domain:1+n)
/// (0x01: the same without leaves, from stores written before the payload tree; its payload hash is BLAKE2b-256)
/// inline:       0x04 then the submission's fields as 0x03, then bytes:4+n — a small blob's bytes ride its record
///               (first_chunk and chunk_map -1: nothing in the bucket log yet)
/// state change: 0x02 at_ms:8 state:1 count:2 count×capability:32
/// </code>
/// </summary>
internal static class JournalCodec
{
    public const byte LegacySubmissionType = 1;
    public const byte StateChangeType = 2;
    public const byte SubmissionType = 3;
    public const byte InlineSubmissionType = 4;

    private const int LegacySubmissionFixed = 1 + 8 + 32 + 8 + 8 + 32 + 8 + 8 + 8 + 8 + 4 + 2;
    private const int SubmissionFixed = LegacySubmissionFixed + 8;

    public static int MeasureSubmission(BlobEntry blob)
    {
        var length = (blob.LegacyHash ? LegacySubmissionFixed : SubmissionFixed) + 1 + Encoding.UTF8.GetByteCount(blob.Account) + 1 + (blob.MimeHint is null ? 0 : Encoding.UTF8.GetByteCount(blob.MimeHint));
        foreach (var d in blob.Deliveries)
        {
            length += 64 + 1 + d.Domain.Length;
        }

        return blob.Inline is null ? length : length + 4 + (int)blob.Size;
    }

    public static int WriteSubmission(Span<byte> destination, BlobEntry blob, long atMs)
    {
        // A blob from before the payload tree keeps its record type, so a checkpoint never presents its BLAKE2b hash as a root.
        destination[0] = blob.LegacyHash ? LegacySubmissionType : blob.Inline is null ? SubmissionType : InlineSubmissionType;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], atMs);
        blob.Id.CopyTo(destination[9..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[41..], blob.ExpiryMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[49..], blob.Size);
        blob.PayloadHash.CopyTo(destination[57..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[89..], blob.Window.StartMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[97..], blob.Window.EndMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[105..], blob.FirstChunk);
        BinaryPrimitives.WriteInt64BigEndian(destination[113..], blob.ChunkMap);
        BinaryPrimitives.WriteInt32BigEndian(destination[121..], blob.ChunkSize);
        var at = 125;
        if (!blob.LegacyHash)
        {
            BinaryPrimitives.WriteInt64BigEndian(destination[125..], blob.Leaves);
            at = 133;
        }

        at += WriteShortString(destination[at..], blob.Account);
        at += WriteShortString(destination[at..], blob.MimeHint ?? "");
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)blob.Deliveries.Length);
        at += 2;
        foreach (var d in blob.Deliveries)
        {
            d.Capability.CopyTo(destination[at..]);
            d.Hash.CopyTo(destination[(at + 32)..]);
            at += 64;
            at += WriteShortString(destination[at..], d.Domain);
        }

        if (blob.Inline is { } inline)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination[at..], (int)blob.Size);
            inline.AsSpan(0, (int)blob.Size).CopyTo(destination[(at + 4)..]);
            at += 4 + (int)blob.Size;
        }

        return at;
    }

    /// <summary>
    /// The type of a journal entry (<see cref="SubmissionType"/>, <see cref="InlineSubmissionType"/> or <see cref="StateChangeType"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The entry is empty or of an unknown type.</exception>
    public static byte EntryType(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty || source[0] is not (SubmissionType or InlineSubmissionType or StateChangeType))
        {
            throw new InvalidDataException(source.IsEmpty ? "Empty transit journal entry." : $"Unknown transit journal entry type {source[0]}.");
        }

        return source[0];
    }

    /// <summary>Decodes a submission record into a fresh index record with Outstanding deliveries.</summary>
    /// <exception cref="InvalidDataException">
    /// The bytes are not a whole submission record: a field runs past the end, the delivery count exceeds what the bytes
    /// can hold (checked before anything is allocated for them), bytes follow the last delivery (or an inline record's
    /// bytes), or an inline record's byte count is not its size.
    /// </exception>
    public static BlobEntry ReadSubmission(ReadOnlySpan<byte> source, out long atMs)
    {
        var legacy = source.Length > 0 && source[0] == LegacySubmissionType;
        var inline = source.Length > 0 && source[0] == InlineSubmissionType;
        if (source.Length < (legacy ? LegacySubmissionFixed : SubmissionFixed) || (!legacy && source[0] is not (SubmissionType or InlineSubmissionType)))
        {
            throw new InvalidDataException("Not a transit submission record.");
        }

        atMs = BinaryPrimitives.ReadInt64BigEndian(source[1..]);
        var at = legacy ? 125 : 133;
        var account = ReadShortString(source, ref at);
        var mime = ReadShortString(source, ref at);
        var blob = new BlobEntry
        {
            Id = new MessageId(source[9..]),
            SubmittedMs = atMs,
            ExpiryMs = BinaryPrimitives.ReadInt64BigEndian(source[41..]),
            Size = BinaryPrimitives.ReadInt64BigEndian(source[49..]),
            PayloadHash = new Bytes32(source[57..]),
            Window = new BucketWindow(BinaryPrimitives.ReadInt64BigEndian(source[89..]), BinaryPrimitives.ReadInt64BigEndian(source[97..])),
            FirstChunk = BinaryPrimitives.ReadInt64BigEndian(source[105..]),
            ChunkMap = BinaryPrimitives.ReadInt64BigEndian(source[113..]),
            ChunkSize = BinaryPrimitives.ReadInt32BigEndian(source[121..]),
            Leaves = legacy ? -1 : BinaryPrimitives.ReadInt64BigEndian(source[125..]),
            LegacyHash = legacy,
            Account = account,
            MimeHint = mime.Length == 0 ? null : mime,
        };

        if (source.Length - at < 2)
        {
            throw new InvalidDataException("Transit submission record ends before its delivery count.");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(source[at..]);
        at += 2;
        if (count * (64 + 1) > source.Length - at)
        {
            throw new InvalidDataException($"Transit submission record of {source.Length} bytes cannot hold its {count} deliveries.");
        }

        var deliveries = new DeliveryEntry[count];
        for (var i = 0; i < count; i++)
        {
            if (source.Length - at < 64)
            {
                throw new InvalidDataException($"Transit submission record ends inside delivery {i} of {count}.");
            }

            var capability = new FetchCapability(source.Slice(at, 32));
            var hash = new RecipientHash(source.Slice(at + 32, 32));
            at += 64;
            deliveries[i] = new DeliveryEntry(blob, capability, ReadShortString(source, ref at), hash) { NextAttemptMs = atMs };
        }

        if (inline)
        {
            var counted = source.Length - at < 4 ? -1 : BinaryPrimitives.ReadInt32BigEndian(source[at..]);
            if (blob.Size <= 0 || counted != blob.Size || counted > source.Length - at - 4)
            {
                throw new InvalidDataException($"Transit inline submission record does not end with its {blob.Size} bytes.");
            }

            blob.Inline = source.Slice(at + 4, (int)blob.Size).ToArray();
            at += 4 + (int)blob.Size;
        }

        if (at != source.Length)
        {
            throw new InvalidDataException($"Transit submission record has {source.Length - at} bytes after its {count} deliveries.");
        }

        blob.Deliveries = deliveries;
        blob.OutstandingCount = count;
        return blob;
    }

    public static int MeasureStateChange(int count) => 1 + 8 + 1 + 2 + (32 * count);

    public static int WriteStateChange(Span<byte> destination, DeliveryState state, long atMs, ReadOnlySpan<FetchCapability> capabilities)
    {
        destination[0] = StateChangeType;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], atMs);
        destination[9] = (byte)state;
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)capabilities.Length);
        var at = 12;
        foreach (var capability in capabilities)
        {
            capability.CopyTo(destination[at..]);
            at += 32;
        }

        return at;
    }

    /// <summary>Decodes a state change's header; <see cref="StateChangeCapability"/> reads its capabilities.</summary>
    /// <exception cref="InvalidDataException">
    /// The bytes are not a whole state change: shorter than its header, a length other than its count of capabilities
    /// calls for, or a state a delivery cannot move to.
    /// </exception>
    public static DeliveryState ReadStateChange(ReadOnlySpan<byte> source, out long atMs, out int count)
    {
        if (source.Length < MeasureStateChange(0) || source[0] != StateChangeType)
        {
            throw new InvalidDataException("Not a transit state change record.");
        }

        if (source.Length != MeasureStateChange(BinaryPrimitives.ReadUInt16BigEndian(source[10..])))
        {
            throw new InvalidDataException($"Transit state change record of {source.Length} bytes does not hold the {BinaryPrimitives.ReadUInt16BigEndian(source[10..])} capabilities it counts.");
        }

        if (source[9] is < (byte)DeliveryState.Fetched or > (byte)DeliveryState.Transferred)
        {
            throw new InvalidDataException($"Transit state change record moves deliveries to state {source[9]}.");
        }

        atMs = BinaryPrimitives.ReadInt64BigEndian(source[1..]);
        count = BinaryPrimitives.ReadUInt16BigEndian(source[10..]);
        return (DeliveryState)source[9];
    }

    public static FetchCapability StateChangeCapability(ReadOnlySpan<byte> source, int index) => new(source.Slice(12 + (32 * index), 32));

    private static int WriteShortString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[1..]);
        destination[0] = checked((byte)written);
        return 1 + written;
    }

    private static string ReadShortString(ReadOnlySpan<byte> source, ref int at)
    {
        if (at >= source.Length || source[at] > source.Length - at - 1)
        {
            throw new InvalidDataException($"Transit journal record ends inside a string at byte {at}.");
        }

        var length = source[at];
        var value = Encoding.UTF8.GetString(source.Slice(at + 1, length));
        at += 1 + length;
        return value;
    }
}
