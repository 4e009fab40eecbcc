using System.Numerics;
using System.Runtime.CompilerServices;
using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Key hashing for the three stores. Capabilities and recipient hashes come from remote senders, so the hash is
/// keyed with a per-table secret (persisted beside the stores: FASTER's index must hash identically after
/// recovery) to keep a sender from aiming many keys at one bucket. Equality is the constant-time one of
/// <see cref="Bytes32"/>.
/// </summary>
internal sealed class PendingKeyComparer : IFasterEqualityComparer<Bytes32>, IFasterEqualityComparer<RefKey>
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    private readonly ulong _k0;
    private readonly ulong _k1;

    public PendingKeyComparer(ulong k0, ulong k1)
    {
        _k0 = k0;
        _k1 = k1 | 1;
    }

    public bool Equals(ref Bytes32 k1, ref Bytes32 k2) => k1.Equals(k2);

    public long GetHashCode64(ref Bytes32 k) => (long)Hash(ref k, 0);

    public bool Equals(ref RefKey k1, ref RefKey k2) => k1.Sequence == k2.Sequence && k1.RecipientHash.Equals(k2.RecipientHash);

    public long GetHashCode64(ref RefKey k)
    {
        var hash = k.RecipientHash;
        return (long)Hash(ref hash, k.Sequence);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Hash(ref Bytes32 key, ulong extra)
    {
        // Bytes32 is four ulongs; read them in place rather than through CopyTo.
        ref var w = ref Unsafe.As<Bytes32, ulong>(ref key);
        var h = _k0 ^ extra;
        h = Mix(h, w);
        h = Mix(h, Unsafe.Add(ref w, 1));
        h = Mix(h, Unsafe.Add(ref w, 2));
        h = Mix(h, Unsafe.Add(ref w, 3));
        h ^= h >> 29;
        h *= _k1;
        return h ^ (h >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Mix(ulong h, ulong w) => BitOperations.RotateLeft((h ^ w) * Multiplier, 31) + _k1;
}
