using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3, libsodium's <c>_ietf</c> variant) in managed code:
/// HChaCha20 turns the key and nonce[0..16] into a subkey, then the RFC 8439 §2.8 AEAD runs under it with
/// the nonce 0x00000000 || nonce[16..24]. Byte-for-byte what libsodium produces, without its fixed cost on
/// short inputs (libsodium's ChaCha20 runs scalar below 256 bytes): one 8-block pass covers the Poly1305
/// key and the first 448 bytes. Callers check sizes; <see cref="IsSupported"/> must be true.
/// </summary>
internal static class XChaCha20Poly1305Managed
{
    private const int FirstPassData = ChaCha20Core.PassSize - 64;

    /// <summary>Whether this machine runs the managed path (AVX2).</summary>
    public static bool IsSupported => ChaCha20Core.IsSupported;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="ciphertext"/> (length + 16); they may overlap exactly.</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Span<uint> subkey = stackalloc uint[8];
        ChaCha20Core.HChaCha20(key, nonce[..16], subkey);
        SealWithSubkey(subkey, nonce, plaintext, associatedData, ciphertext);
        ChaCha20Core.Clear(subkey);
    }

    /// <summary>
    /// <see cref="Seal"/> under the HChaCha20 subkey of <paramref name="nonce"/>[0..16], already derived
    /// (<see cref="XChaCha20Poly1305Key"/> keeps it while the nonce prefix stays the same).
    /// </summary>
    public static void SealWithSubkey(ReadOnlySpan<uint> subkey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Span<uint> innerNonce = stackalloc uint[3];
        InnerNonce(nonce, innerNonce);
        SealCore(subkey, innerNonce, plaintext, associatedData, ciphertext);
    }

    /// <summary>
    /// ChaCha20-Poly1305 itself (RFC 8439 §2.8), under a 32-byte key and a 12-byte nonce: what the XChaCha20 construction
    /// runs under its subkey, open to the Wycheproof ChaCha20-Poly1305 vectors.
    /// </summary>
    public static void SealIetf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Span<uint> words = stackalloc uint[11];
        Words(key, words[..8]);
        Words(nonce, words[8..]);
        SealCore(words[..8], words[8..], plaintext, associatedData, ciphertext);
        ChaCha20Core.Clear(words);
    }

    /// <summary><see cref="TryOpenWithSubkey"/>'s inner AEAD under a 32-byte key and a 12-byte nonce (RFC 8439 §2.8).</summary>
    public static bool TryOpenIetf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Span<uint> words = stackalloc uint[11];
        Words(key, words[..8]);
        Words(nonce, words[8..]);
        var authentic = TryOpenCore(words[..8], words[8..], ciphertext, associatedData, plaintext);
        ChaCha20Core.Clear(words);
        return authentic;
    }

    private static void SealCore(ReadOnlySpan<uint> subkey, ReadOnlySpan<uint> innerNonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Span<byte> keystream = stackalloc byte[ChaCha20Core.PassSize];

        // Block 0 gives the Poly1305 key; the message starts at block 1.
        ChaCha20Core.Keystream(subkey, 0, innerNonce, keystream);
        var mac = new Poly1305(keystream[..Poly1305.KeySize]);
        var length = plaintext.Length;
        XorMessage(subkey, innerNonce, keystream, plaintext, ciphertext);

        mac.UpdatePadded(associatedData);
        mac.UpdatePadded(ciphertext[..length]);
        mac.UpdateLengths(associatedData.Length, length);
        mac.Finish(ciphertext.Slice(length, Poly1305.TagSize));

        CryptographicOperations.ZeroMemory(keystream);
    }

    /// <summary>
    /// Checks the tag in constant time, and only then decrypts into <paramref name="plaintext"/>
    /// (ciphertext length − 16). On failure the plaintext is zeroed, as libsodium does, and false returned.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Span<uint> subkey = stackalloc uint[8];
        ChaCha20Core.HChaCha20(key, nonce[..16], subkey);
        var authentic = TryOpenWithSubkey(subkey, nonce, ciphertext, associatedData, plaintext);
        ChaCha20Core.Clear(subkey);
        return authentic;
    }

    /// <summary><see cref="TryOpen"/> under the HChaCha20 subkey of <paramref name="nonce"/>[0..16], already derived.</summary>
    public static bool TryOpenWithSubkey(ReadOnlySpan<uint> subkey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Span<uint> innerNonce = stackalloc uint[3];
        InnerNonce(nonce, innerNonce);
        return TryOpenCore(subkey, innerNonce, ciphertext, associatedData, plaintext);
    }

    private static bool TryOpenCore(ReadOnlySpan<uint> subkey, ReadOnlySpan<uint> innerNonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Span<byte> keystream = stackalloc byte[ChaCha20Core.PassSize];
        Span<byte> tag = stackalloc byte[Poly1305.TagSize];
        try
        {
            ChaCha20Core.Keystream(subkey, 0, innerNonce, keystream);
            var mac = new Poly1305(keystream[..Poly1305.KeySize]);
            var length = ciphertext.Length - Poly1305.TagSize;
            var body = ciphertext[..length];
            mac.UpdatePadded(associatedData);
            mac.UpdatePadded(body);
            mac.UpdateLengths(associatedData.Length, length);
            mac.Finish(tag);

            var authentic = CryptographicOperations.FixedTimeEquals(tag, ciphertext[length..]);
            if (authentic)
            {
                XorMessage(subkey, innerNonce, keystream, body, plaintext);
            }
            else
            {
                plaintext[..length].Clear();
            }

            return authentic;
        }
        finally
        {
            // The expected tag is what a forger needs for this key, nonce and message: it does not outlive the check
            // on the stack, nor does the keystream (whose first block is the one-time Poly1305 key).
            CryptographicOperations.ZeroMemory(tag);
            CryptographicOperations.ZeroMemory(keystream);
        }
    }

    /// <summary>
    /// Encrypts or decrypts the message (the keystream from block 1 on): its first bytes with the rest of the pass
    /// already in <paramref name="keystream"/>, anything longer with further passes, which reuse it as scratch.
    /// </summary>
    private static void XorMessage(ReadOnlySpan<uint> subkey, ReadOnlySpan<uint> innerNonce, Span<byte> keystream, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var first = Math.Min(input.Length, FirstPassData);
        ChaCha20Core.XorBytes(input[..first], keystream[64..], output);
        if (input.Length > first)
        {
            ChaCha20Core.Xor(subkey, ChaCha20Core.BlocksPerPass, innerNonce, input[first..], output[first..input.Length], keystream);
        }
    }

    private static void Words(ReadOnlySpan<byte> bytes, Span<uint> words)
    {
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
        }
    }

    /// <summary>The RFC 8439 nonce under the subkey: 0x00000000 || nonce[16..24].</summary>
    private static void InnerNonce(ReadOnlySpan<byte> nonce, Span<uint> innerNonce)
    {
        innerNonce[0] = 0;
        innerNonce[1] = BinaryPrimitives.ReadUInt32LittleEndian(nonce[16..]);
        innerNonce[2] = BinaryPrimitives.ReadUInt32LittleEndian(nonce[20..]);
    }
}
