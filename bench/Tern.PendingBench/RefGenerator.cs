using System.Buffers.Binary;
using Tern.Engine.Protocol;

namespace Tern.PendingBench;

/// <summary>Deterministic pseudo-random capabilities and recipient hashes from an index (splitmix64), without allocating.</summary>
internal static class RefGenerator
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static Bytes32 Value(ulong seed, ulong index)
    {
        Span<byte> bytes = stackalloc byte[32];
        var x = Mix(seed ^ Mix(index));
        for (var i = 0; i < 4; i++)
        {
            x = Mix(x);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[(i * 8)..], x);
        }

        return new Bytes32(bytes);
    }

    public static FetchCapability Capability(long index) => new(Value(0xCAFE, (ulong)index));

    /// <summary>The recipient hash of reference <paramref name="index"/>: uniformly one of <paramref name="hashes"/>.</summary>
    public static long HashIndexOf(long index, long hashes) => (long)(Mix((ulong)index ^ 0x5EED) % (ulong)hashes);

    /// <summary>
    /// The recipient hash index of reference <paramref name="index"/> filed <paramref name="refsPerHash"/> a hash: at 1, a
    /// campaign's shape, every reference a fresh hash (drawn at random, a third of them would share one).
    /// </summary>
    public static long HashIndexOf(long index, long hashes, long refsPerHash) => refsPerHash == 1 ? index : HashIndexOf(index, hashes);

    public static RecipientHash Hash(long hashIndex) => new(Value(0xBEEF, (ulong)hashIndex));
}
