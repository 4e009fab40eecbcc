namespace Tern.Engine.Crypto;

/// <summary>BLAKE2b (RFC 7693) over libsodium's <c>crypto_generichash</c>: payload hashes, keyed KDFs, fingerprints.</summary>
public static unsafe class Blake2b
{
    /// <summary>The digest size Tern uses everywhere (BLAKE2b-256).</summary>
    public const int HashSize = 32;
    /// <summary>Smallest digest libsodium produces.</summary>
    public const int MinHashSize = 16;
    /// <summary>Largest digest (BLAKE2b-512).</summary>
    public const int MaxHashSize = 64;
    /// <summary>Largest key.</summary>
    public const int MaxKeySize = 64;

    /// <summary>Hashes <paramref name="input"/> into <paramref name="hash"/> (16–64 bytes), keyed when <paramref name="key"/> is not empty (1–64 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> hash, ReadOnlySpan<byte> key = default)
    {
        CheckSizes(hash.Length, key.Length);
        Sodium.EnsureInitialized();
        fixed (byte* i = input)
        fixed (byte* o = hash)
        fixed (byte* k = key)
        {
            Sodium.Check(SodiumNative.crypto_generichash(o, (nuint)hash.Length, i, (ulong)input.Length, k, (nuint)key.Length), "crypto_generichash");
        }
    }

    internal static void CheckSizes(int hashLength, int keyLength)
    {
        if (hashLength is < MinHashSize or > MaxHashSize)
        {
            throw new ArgumentException($"A BLAKE2b digest is {MinHashSize}–{MaxHashSize} bytes, not {hashLength}.", nameof(hashLength));
        }

        if (keyLength > MaxKeySize)
        {
            throw new ArgumentException($"A BLAKE2b key is at most {MaxKeySize} bytes, not {keyLength}.", nameof(keyLength));
        }
    }
}
