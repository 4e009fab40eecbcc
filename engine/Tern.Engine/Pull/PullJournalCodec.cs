using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The records of the pull journal (docs/ARCHITECTURE.md §5.6), little-endian, each framed so a torn tail is told from a
/// record: <c>length u32, checksum 8 (the first 8 bytes of the body's BLAKE2b-256), body</c>.
/// <code>
/// begun: 0x01 capability:32 recipient_hash:32 reference (<see cref="PullReferenceCodec"/>) [annotation_length u16, annotation]
/// ended: 0x02 capability:32
/// </code>
/// The annotation (a <see cref="PullAnnotation"/>'s line) is optional: a begun record written before it existed ends with
/// its reference and still replays.
/// </summary>
internal static class PullJournalCodec
{
    public const byte BegunType = 1;
    public const byte EndedType = 2;
    public const int HeaderSize = 4 + 8;
    public const int EndedSize = HeaderSize + 1 + 32;

    /// <summary>Longest annotation a begun record carries (a <c>received</c> line is a few hundred bytes).</summary>
    public const int MaxAnnotationBytes = PullAnnotation.MaxLineBytes;

    /// <summary>Longest record: a begun one whose reference has every variable field at its maximum, with the longest annotation.</summary>
    public const int MaxRecordSize = HeaderSize + 1 + 32 + 32 + PullReferenceCodec.MaxSize + 2 + MaxAnnotationBytes;

    /// <summary>
    /// A framed begun record, with <paramref name="annotation"/> when not empty, or null when the reference breaks §4.2's
    /// limits (it could not have been filed) or the annotation is longer than <see cref="MaxAnnotationBytes"/>.
    /// </summary>
    public static byte[]? Begun(RecipientHash hash, PendingReference reference, ReadOnlySpan<byte> annotation = default)
    {
        if (annotation.Length > MaxAnnotationBytes)
        {
            return null;
        }

        Span<byte> body = stackalloc byte[MaxRecordSize - HeaderSize];
        body[0] = BegunType;
        reference.Capability.CopyTo(body[1..]);
        hash.CopyTo(body[33..]);
        var length = PullReferenceCodec.Write(reference, body[65..]);
        if (length < 0)
        {
            return null;
        }

        length += 65;
        if (!annotation.IsEmpty)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body[length..], (ushort)annotation.Length);
            annotation.CopyTo(body[(length + 2)..]);
            length += 2 + annotation.Length;
        }

        return Frame(body[..length]);
    }

    /// <summary>A framed ended record.</summary>
    public static void Ended(FetchCapability capability, Span<byte> destination)
    {
        Span<byte> body = stackalloc byte[33];
        body[0] = EndedType;
        capability.CopyTo(body[1..]);
        Frame(body, destination);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>: its framed length, or 0 at a torn or damaged tail (a
    /// length past the end, a checksum that does not match, a body no writer made), which ends the replay.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out byte type, out FetchCapability capability, out RecipientHash hash, out PendingReference? reference)
        => TryRead(source, out type, out capability, out hash, out reference, out _);

    /// <summary>
    /// <see cref="TryRead(ReadOnlySpan{byte}, out byte, out FetchCapability, out RecipientHash, out PendingReference?)"/>, with a
    /// begun record's annotation (empty when it carries none) as a slice of <paramref name="source"/>.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out byte type, out FetchCapability capability, out RecipientHash hash, out PendingReference? reference, out ReadOnlySpan<byte> annotation)
    {
        annotation = default;
        type = 0;
        capability = default;
        hash = default;
        reference = null;
        if (source.Length < HeaderSize)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (length < 33 || length > MaxRecordSize - HeaderSize || length > source.Length - HeaderSize)
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

        type = body[0];
        capability = new FetchCapability(body[1..]);
        switch (type)
        {
            case EndedType when length == 33:
                return HeaderSize + length;
            case BegunType when length > 65:
                hash = new RecipientHash(body[33..]);
                reference = PullReferenceCodec.Read(body[65..], 0, out var used);
                if (reference is null || reference.Capability != capability)
                {
                    return 0;
                }

                // What follows the reference is an annotation, whole, or nothing (a record of an older writer).
                var rest = body[(65 + used)..];
                if (!rest.IsEmpty && (rest.Length < 3 || BinaryPrimitives.ReadUInt16LittleEndian(rest) != rest.Length - 2))
                {
                    return 0;
                }

                annotation = rest.IsEmpty ? default : rest[2..];
                return HeaderSize + length;
            default:
                return 0;
        }
    }

    private static byte[] Frame(ReadOnlySpan<byte> body)
    {
        var record = new byte[HeaderSize + body.Length];
        Frame(body, record);
        return record;
    }

    private static void Frame(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, body.Length);
        Span<byte> sum = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(body, sum);
        sum[..8].CopyTo(destination[4..]);
        body.CopyTo(destination[HeaderSize..]);
    }
}
