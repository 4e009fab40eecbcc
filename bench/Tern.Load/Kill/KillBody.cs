using System.Buffers.Binary;

namespace Tern.Load.Kill;

/// <summary>
/// The bytes alice submits as message <c>sequence</c>: the sequence in the first 8 bytes, then bytes from a generator
/// seeded with the run's seed and the sequence. Whoever holds a copy can tell which message it is and whether every
/// byte is intact without the driver keeping the bodies.
/// </summary>
internal static class KillBody
{
    public static byte[] Of(int seed, long sequence, int size)
    {
        var body = new byte[Math.Max(size, 8)];
        BinaryPrimitives.WriteInt64LittleEndian(body, sequence);
        // Not HashCode.Combine: its seed changes with each process, and a copy is checked in another run of the driver's code.
        new Random(unchecked((int)((seed * 1_000_003L) ^ (sequence * 7_919L)))).NextBytes(body.AsSpan(8));
        return body;
    }

    /// <summary>The sequence a copy says it is, or -1 when it is too short to say.</summary>
    public static long SequenceOf(ReadOnlySpan<byte> copy) => copy.Length < 8 ? -1 : BinaryPrimitives.ReadInt64LittleEndian(copy);

    /// <summary>Whether <paramref name="copy"/> is message <paramref name="sequence"/> of <paramref name="size"/> bytes, byte for byte.</summary>
    public static bool Intact(int seed, long sequence, int size, ReadOnlySpan<byte> copy) => copy.SequenceEqual(Of(seed, sequence, size));
}
