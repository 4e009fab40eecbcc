using System.Buffers.Binary;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

/// <summary>
/// The stored form of a pending reference (the value of the reference store), format 2 (docs/ARCHITECTURE.md §3.5):
/// what differs from one reference to the next at fixed offsets, small numbers as varints, and what a sender repeats
/// in every reference (key, domain, MIME hint, fetch hints) named by a <see cref="SenderProfile"/> id: ~85 bytes
/// where format 1 (<see cref="LegacyReferenceCodec"/>) took ~200.
/// <code>
///  0 capability (32)   32 transit expiry i64   40 payload hash (32)   72 flags u8
/// 73 varints: transit expiry − received at (zigzag), payload size, attempt, profile id;
///    then, for profile id 0 (the profiles were full), the profile itself (<see cref="SenderProfileCodec"/>)
/// </code>
/// </summary>
internal static class ReferenceCodec
{
    private const int FixedSize = 73;

    /// <summary>Longest encoding: every varint at its longest and the profile inline at its protocol maximum.</summary>
    public const int MaxSize = FixedSize + (3 * VarInt.MaxLength) + 5 + SenderProfileCodec.MaxSize;

    public static int Write(in NotificationRecord record, long receivedAtMs, int profileId, ReadOnlySpan<byte> profile, Span<byte> destination)
    {
        record.Capability.CopyTo(destination);
        record.PayloadHash.CopyTo(destination[40..]);
        return WriteRest(record.TransitExpiryMs, record.PayloadSize, receivedAtMs, record.Attempt, (byte)record.Flags, profileId, profile, destination);
    }

    public static int Write(ReadOnlySpan<byte> capability, long transitExpiryMs, long payloadSize, ReadOnlySpan<byte> payloadHash, long receivedAtMs, ushort attempt, byte flags, int profileId, ReadOnlySpan<byte> profile, Span<byte> destination)
    {
        capability[..Bytes32.Size].CopyTo(destination);
        payloadHash[..Bytes32.Size].CopyTo(destination[40..]);
        return WriteRest(transitExpiryMs, payloadSize, receivedAtMs, attempt, flags, profileId, profile, destination);
    }

    private static int WriteRest(long transitExpiryMs, long payloadSize, long receivedAtMs, ushort attempt, byte flags, int profileId, ReadOnlySpan<byte> profile, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], transitExpiryMs);
        destination[72] = flags;
        var offset = FixedSize;
        VarInt.WriteSigned(destination, ref offset, transitExpiryMs - receivedAtMs);
        VarInt.Write(destination, ref offset, (ulong)payloadSize);
        VarInt.Write(destination, ref offset, attempt);
        VarInt.Write(destination, ref offset, (uint)profileId);
        if (profileId == 0)
        {
            profile.CopyTo(destination[offset..]);
            offset += profile.Length;
        }

        return offset;
    }

    /// <summary>Decodes a stored reference; null when the bytes are not a reference this codec wrote or name a profile <paramref name="profiles"/> lacks.</summary>
    public static PendingReference? Read(ReadOnlySpan<byte> source, ulong sequence, SenderProfiles profiles)
    {
        if (!TryReadTail(source, out var receivedBefore, out var size, out var attempt, out var profileId, out var inline))
        {
            return null;
        }

        var profile = profileId == 0 ? SenderProfile.Decode(0, inline.ToArray()) : profiles.ById(profileId);
        if (profile is null)
        {
            return null;
        }

        var expiry = ReadExpiry(source);
        return new PendingReference(
            new FetchCapability(source),
            profile.SenderDomain,
            profile.SenderKey,
            expiry,
            (long)size,
            new Bytes32(source[40..]),
            profile.MimeHint,
            profile.FetchHints,
            expiry - receivedBefore,
            sequence,
            attempt,
            (NotificationFlags)source[72]);
    }

    /// <summary>The sender key of a stored reference, without decoding the rest; empty when it cannot be read.</summary>
    public static ReadOnlySpan<byte> ReadSenderKey(ReadOnlySpan<byte> source, SenderProfiles profiles)
    {
        if (!TryReadTail(source, out _, out _, out _, out var profileId, out var inline))
        {
            return default;
        }

        if (profileId == 0)
        {
            return inline.Length >= Bytes32.Size ? inline[..Bytes32.Size] : default;
        }

        return profiles.ById(profileId) is { } profile ? profile.Encoded.AsSpan(0, Bytes32.Size) : default;
    }

    /// <summary>
    /// The sender profile of a stored reference (interned or inline) and its flags, without decoding the rest or
    /// allocating; false when the bytes are not a reference this codec wrote or name a profile <paramref name="profiles"/> lacks.
    /// </summary>
    public static bool TryReadProfile(ReadOnlySpan<byte> source, SenderProfiles profiles, out ReadOnlySpan<byte> profile, out byte flags)
    {
        profile = default;
        flags = 0;
        if (!TryReadTail(source, out _, out _, out _, out var profileId, out var inline))
        {
            return false;
        }

        if (profileId != 0)
        {
            if (profiles.ById(profileId) is not { } interned)
            {
                return false;
            }

            inline = interned.Encoded;
        }

        profile = inline;
        flags = source[72];
        return true;
    }

    /// <summary>
    /// Writes <paramref name="source"/>, a stored reference, again with another sender profile and flags: every other field
    /// (capability, expiry, payload, received at, attempt) as it was. Returns the length, or -1 when the source is not a
    /// reference this codec wrote.
    /// </summary>
    public static int WithProfile(ReadOnlySpan<byte> source, byte flags, int profileId, ReadOnlySpan<byte> profile, Span<byte> destination)
    {
        if (!TryReadTail(source, out var receivedBefore, out var size, out var attempt, out _, out _))
        {
            return -1;
        }

        source[..FixedSize].CopyTo(destination);
        var expiry = ReadExpiry(source);
        return WriteRest(expiry, (long)size, expiry - receivedBefore, attempt, flags, profileId, profile, destination);
    }

    /// <summary>The transit expiry of a stored reference, without decoding the rest.</summary>
    public static long ReadExpiry(ReadOnlySpan<byte> source) => source.Length >= FixedSize ? BinaryPrimitives.ReadInt64LittleEndian(source[32..]) : long.MinValue;

    private static bool TryReadTail(ReadOnlySpan<byte> source, out long receivedBefore, out ulong size, out ushort attempt, out int profileId, out ReadOnlySpan<byte> inline)
    {
        receivedBefore = 0;
        size = 0;
        attempt = 0;
        profileId = 0;
        inline = default;
        var offset = FixedSize;
        if (source.Length < FixedSize
            || !VarInt.TryReadSigned(source, ref offset, out receivedBefore)
            || !VarInt.TryRead(source, ref offset, out size)
            || !VarInt.TryRead(source, ref offset, out var rawAttempt) || rawAttempt > ushort.MaxValue
            || !VarInt.TryRead(source, ref offset, out var rawProfile) || rawProfile > int.MaxValue)
        {
            return false;
        }

        attempt = (ushort)rawAttempt;
        profileId = (int)rawProfile;
        inline = source[offset..];
        return profileId != 0 || !inline.IsEmpty;
    }
}
