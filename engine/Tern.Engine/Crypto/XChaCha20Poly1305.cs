using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// XChaCha20-Poly1305 (IETF variant, 24-byte nonce) with a key given as bytes. The 192-bit nonce makes random nonces safe
/// for the lifetime of a peer key, which is why notifications use it. The key goes into a stack copy of an
/// <see cref="XChaCha20Poly1305Key"/> state, so the work is that type's: datagram-sized messages in managed code
/// (<see cref="XChaCha20Poly1305Managed"/>, byte for byte libsodium's output), longer ones, and machines without AVX2,
/// through libsodium's IETF ChaCha20-Poly1305 under the HChaCha20 subkey (what libsodium's XChaCha20 does inside).
/// </summary>
public static class XChaCha20Poly1305
{
    /// <summary>Key length.</summary>
    public const int KeySize = 32;
    /// <summary>Nonce length.</summary>
    public const int NonceSize = 24;
    /// <summary>Authentication tag length, appended to the ciphertext.</summary>
    public const int TagSize = 16;

    // Up to here the managed path is clearly faster than libsodium (its ChaCha20 runs one block at a time below 256 bytes
    // and four below 512); at 1100 bytes the two are about even (perf-reports/codec.md), so longer messages go to libsodium.
    internal const int ManagedMaxLength = 512;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (plaintext length + <see cref="TagSize"/>).
    /// The two may overlap exactly (in-place sealing).
    /// </summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Span<byte> state = stackalloc byte[XChaCha20Poly1305Key.StateSize];
        XChaCha20Poly1305Key.SetKey(state, key);
        try
        {
            XChaCha20Poly1305Key.Seal(state, nonce, plaintext, associatedData, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(state);
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
        Span<byte> state = stackalloc byte[XChaCha20Poly1305Key.StateSize];
        XChaCha20Poly1305Key.SetKey(state, key);
        try
        {
            return XChaCha20Poly1305Key.TryOpen(state, nonce, ciphertext, associatedData, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(state);
        }
    }
}
