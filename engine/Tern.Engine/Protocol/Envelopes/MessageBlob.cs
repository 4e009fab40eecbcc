using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// The head of a message blob as a client submits it (docs/PROTOCOL.md §15.2): <c>version</c> 1, a <c>u16</c>
/// <c>slot_count</c> of 1–1024, then each sealed envelope as a <c>u16</c> length and its bytes; the payload follows to
/// the end of the blob. Servers never read it: only the clients at either end do.
/// </summary>
public static class MessageBlob
{
    /// <summary>The head's version byte.</summary>
    public const byte Version = 1;

    /// <summary>Most slots a blob carries (§15.2).</summary>
    public const int MaxSlots = 1024;

    /// <summary>The longest head: every slot a sealed envelope of the largest size.</summary>
    public const int MaxHeadSize = 3 + (MaxSlots * (2 + EnvelopeSeal.MaxSize));

    /// <summary>The head carrying <paramref name="sealedEnvelopes"/>, one slot each, in order.</summary>
    public static byte[] EncodeHead(IReadOnlyList<byte[]> sealedEnvelopes)
    {
        ArgumentNullException.ThrowIfNull(sealedEnvelopes);
        if (sealedEnvelopes.Count is 0 or > MaxSlots)
        {
            throw new ArgumentException($"A message blob has 1–{MaxSlots} slots, not {sealedEnvelopes.Count}.", nameof(sealedEnvelopes));
        }

        var length = 3;
        foreach (var slot in sealedEnvelopes)
        {
            if (slot.Length is < EnvelopeSeal.Overhead or > EnvelopeSeal.MaxSize)
            {
                throw new ArgumentException($"A sealed envelope is {EnvelopeSeal.Overhead}–{EnvelopeSeal.MaxSize} bytes, not {slot.Length}.", nameof(sealedEnvelopes));
            }

            length += 2 + slot.Length;
        }

        var head = new byte[length];
        head[0] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(1), (ushort)sealedEnvelopes.Count);
        var offset = 3;
        foreach (var slot in sealedEnvelopes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(offset), (ushort)slot.Length);
            slot.CopyTo(head, offset + 2);
            offset += 2 + slot.Length;
        }

        return head;
    }

    /// <summary>
    /// Reads the head at the start of <paramref name="blob"/> (which may be only its first bytes): the slots as ranges
    /// of <paramref name="blob"/>, and where the payload starts. False when the version is not 1, the count is 0 or
    /// above 1024, a slot is longer than a sealed envelope can be, or the head runs past <paramref name="blob"/>.
    /// </summary>
    public static bool TryReadHead(ReadOnlySpan<byte> blob, List<Range> slots, out int payloadOffset)
    {
        ArgumentNullException.ThrowIfNull(slots);
        slots.Clear();
        payloadOffset = 0;
        if (blob.Length < 3 || blob[0] != Version)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(blob[1..]);
        if (count is 0 or > MaxSlots)
        {
            return false;
        }

        var offset = 3;
        for (var i = 0; i < count; i++)
        {
            if (blob.Length - offset < 2)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(blob[offset..]);
            if (length > EnvelopeSeal.MaxSize || length > blob.Length - offset - 2)
            {
                return false;
            }

            slots.Add(new Range(offset + 2, offset + 2 + length));
            offset += 2 + length;
        }

        payloadOffset = offset;
        return true;
    }
}
