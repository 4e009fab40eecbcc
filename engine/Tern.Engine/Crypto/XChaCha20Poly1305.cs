namespace Tern.Engine.Crypto;

/// <summary>
/// XChaCha20-Poly1305 (IETF variant, 24-byte nonce). The 192-bit nonce makes random nonces safe for the
/// lifetime of a peer key, which is why notifications use it. Datagram-sized messages go through the managed
/// implementation (<see cref="XChaCha20Poly1305Managed"/>, byte-for-byte libsodium's output; sealing 200 bytes costs
/// 0.46 of libsodium's time, perf-reports/codec.md); longer ones, and machines without AVX2, through libsodium.
/// </summary>
public static unsafe class XChaCha20Poly1305
{
    /// <summary>Key length.</summary>
    public const int KeySize = 32;
    /// <summary>Nonce length.</summary>
    public const int NonceSize = 24;
    /// <summary>Authentication tag length, appended to the ciphertext.</summary>
    public const int TagSize = 16;

    // Up to here the managed path is clearly faster (seal 0.46, open 0.59 of libsodium's time at 200 bytes: libsodium's
    // ChaCha20 runs a scalar loop for short inputs); at 1100 bytes the two are even (perf-reports/codec.md), so longer
    // messages stay on libsodium.
    internal const int ManagedMaxLength = 512;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (plaintext length + <see cref="TagSize"/>).
    /// The two may overlap exactly (in-place sealing).
    /// </summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Sodium.CheckLength(key.Length, KeySize, nameof(key));
        Sodium.CheckLength(nonce.Length, NonceSize, nameof(nonce));
        Sodium.CheckLength(ciphertext.Length, plaintext.Length + TagSize, nameof(ciphertext));
        if (plaintext.Length <= ManagedMaxLength && XChaCha20Poly1305Managed.IsSupported)
        {
            XChaCha20Poly1305Managed.Seal(key, nonce, plaintext, associatedData, ciphertext);
            return;
        }

        SealNative(key, nonce, plaintext, associatedData, ciphertext);
    }

    /// <summary>libsodium's seal; sizes already checked.</summary>
    internal static void SealNative(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Sodium.EnsureInitialized();
        fixed (byte* k = key)
        fixed (byte* n = nonce)
        fixed (byte* m = plaintext)
        fixed (byte* ad = associatedData)
        fixed (byte* c = ciphertext)
        {
            ulong length;
            Sodium.Check(SodiumNative.crypto_aead_xchacha20poly1305_ietf_encrypt(
                c, &length, m, (ulong)plaintext.Length, ad, (ulong)associatedData.Length, null, n, k),
                "crypto_aead_xchacha20poly1305_ietf_encrypt");
        }
    }

    /// <summary>
    /// Authenticates and decrypts <paramref name="ciphertext"/> into <paramref name="plaintext"/>
    /// (ciphertext length − <see cref="TagSize"/>). Returns false, writing nothing usable, when the
    /// input was not sealed with this key, nonce and associated data.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Sodium.CheckLength(key.Length, KeySize, nameof(key));
        Sodium.CheckLength(nonce.Length, NonceSize, nameof(nonce));
        if (ciphertext.Length < TagSize || plaintext.Length != ciphertext.Length - TagSize)
        {
            return false;
        }

        return plaintext.Length <= ManagedMaxLength && XChaCha20Poly1305Managed.IsSupported
            ? XChaCha20Poly1305Managed.TryOpen(key, nonce, ciphertext, associatedData, plaintext)
            : TryOpenNative(key, nonce, ciphertext, associatedData, plaintext);
    }

    /// <summary>libsodium's open; sizes already checked.</summary>
    internal static bool TryOpenNative(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Sodium.EnsureInitialized();
        fixed (byte* k = key)
        fixed (byte* n = nonce)
        fixed (byte* m = plaintext)
        fixed (byte* ad = associatedData)
        fixed (byte* c = ciphertext)
        {
            ulong length;
            return SodiumNative.crypto_aead_xchacha20poly1305_ietf_decrypt(
                m, &length, null, c, (ulong)ciphertext.Length, ad, (ulong)associatedData.Length, n, k) == 0;
        }
    }
}
