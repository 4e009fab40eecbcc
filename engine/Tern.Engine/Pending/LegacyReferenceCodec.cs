using System.Buffers.Binary;

namespace Tern.Engine.Pending;

/// <summary>
/// Reference format 1, written by the engine until the compact format (<see cref="ReferenceCodec"/>); read only to
/// migrate a table at open (<see cref="PendingTable"/>, docs/ARCHITECTURE.md §3.5).
/// <code>
///  0 capability (32)   32 sender key (32)   64 transit expiry i64   72 payload size i64   80 payload hash (32)
/// 112 received at i64 120 attempt u16      122 flags u8            123 domain, MIME hint (u8 len + bytes),
///                                                                      hint count u8, hints (u8 len + bytes each)
/// </code>
/// </summary>
internal static class LegacyReferenceCodec
{
    private const int FixedSize = 123;

    /// <summary>
    /// Rewrites a format-1 reference in the compact format, its profile interned in <paramref name="profiles"/> (inline
    /// when they are full); the length written, or -1 when the bytes are not a format-1 reference.
    /// </summary>
    public static int Migrate(ReadOnlySpan<byte> source, SenderProfiles profiles, Span<byte> profileBuffer, Span<byte> destination)
    {
        if (source.Length < FixedSize + 3)
        {
            return -1;
        }

        // The profile is the sender key followed by the variable tail, exactly as format 1 laid them out.
        var tail = source[FixedSize..];
        var profile = profileBuffer[..(32 + tail.Length)];
        source.Slice(32, 32).CopyTo(profile);
        tail.CopyTo(profile[32..]);
        if (!SenderProfileCodec.TryRead(profile, out _, out _, out _, out _, out _))
        {
            return -1;
        }

        profiles.TryGetOrAdd(profile, out var profileId);
        return ReferenceCodec.Write(
            source[..32],
            BinaryPrimitives.ReadInt64LittleEndian(source[64..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[72..]),
            source.Slice(80, 32),
            BinaryPrimitives.ReadInt64LittleEndian(source[112..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[120..]),
            source[122],
            profileId,
            profile,
            destination);
    }
}
