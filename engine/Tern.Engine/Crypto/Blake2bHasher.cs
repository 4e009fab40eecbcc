using System.Runtime.InteropServices;

namespace Tern.Engine.Crypto;

/// <summary>
/// Incremental BLAKE2b for streamed payloads (a blob is hashed chunk by chunk as it is written or fetched).
/// One instance per stream; the 64-byte-aligned native state is freed on <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class Blake2bHasher : IDisposable
{
    private readonly int _hashSize;
    private void* _state;

    /// <summary>Starts a hash of <paramref name="hashSize"/> bytes, keyed when <paramref name="key"/> is not empty.</summary>
    public Blake2bHasher(int hashSize = Blake2b.HashSize, ReadOnlySpan<byte> key = default)
    {
        Blake2b.CheckSizes(hashSize, key.Length);
        Sodium.EnsureInitialized();
        _hashSize = hashSize;
        _state = NativeMemory.AlignedAlloc(SodiumNative.crypto_generichash_statebytes(), 64);
        fixed (byte* k = key)
        {
            Sodium.Check(SodiumNative.crypto_generichash_init(_state, k, (nuint)key.Length, (nuint)hashSize), "crypto_generichash_init");
        }
    }

    /// <summary>Adds bytes to the hash.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_state == null, this);
        fixed (byte* d = data)
        {
            Sodium.Check(SodiumNative.crypto_generichash_update(_state, d, (ulong)data.Length), "crypto_generichash_update");
        }
    }

    /// <summary>Writes the digest; the hasher cannot be appended to afterwards.</summary>
    public void Finish(Span<byte> hash)
    {
        ObjectDisposedException.ThrowIf(_state == null, this);
        Sodium.CheckLength(hash.Length, _hashSize, nameof(hash));
        fixed (byte* o = hash)
        {
            Sodium.Check(SodiumNative.crypto_generichash_final(_state, o, (nuint)hash.Length), "crypto_generichash_final");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_state != null)
        {
            NativeMemory.AlignedFree(_state);
            _state = null;
        }
    }
}
