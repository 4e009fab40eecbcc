namespace Tern.Engine.Crypto;

/// <summary>
/// BLAKE2b (RFC 7693): payload hashes and checksums through NSec; keyed hashes (the notification key, fingerprints, recipient
/// hashes) with libsodium's <c>crypto_generichash</c> on spans, because NSec's keyed BLAKE2b takes only a <c>Key</c> in
/// guarded memory of its own (<see cref="LibsodiumNative"/>).
/// </summary>
public static unsafe class Blake2b
{
    /// <summary>The digest size Tern uses everywhere (BLAKE2b-256).</summary>
    public const int HashSize = 32;
    /// <summary>Smallest digest: NSec's unkeyed BLAKE2b gives at least 256 bits.</summary>
    public const int MinHashSize = 32;
    /// <summary>Largest digest (BLAKE2b-512).</summary>
    public const int MaxHashSize = 64;
    /// <summary>Largest key.</summary>
    public const int MaxKeySize = 64;

    // One algorithm object per digest size (NSec checks the size against the algorithm's), made on first use.
    private static readonly NSec.Cryptography.Blake2b?[] UnkeyedBySize = new NSec.Cryptography.Blake2b?[MaxHashSize + 1];

    /// <summary>Hashes <paramref name="input"/> into <paramref name="hash"/> (32–64 bytes), keyed when <paramref name="key"/> is not empty (1–64 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> hash, ReadOnlySpan<byte> key = default)
    {
        CheckSizes(hash.Length, key.Length);
        if (key.IsEmpty)
        {
            Unkeyed(hash.Length).Hash(input, hash);
            return;
        }

        fixed (byte* i = input)
        fixed (byte* o = hash)
        fixed (byte* k = key)
        {
            Sodium.Check(LibsodiumNative.crypto_generichash(o, (nuint)hash.Length, i, (ulong)input.Length, k, (nuint)key.Length), "crypto_generichash");
        }
    }

    internal static NSec.Cryptography.Blake2b Unkeyed(int hashSize)
        => UnkeyedBySize[hashSize] ??= new NSec.Cryptography.Blake2b(hashSize);

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
