using NSec.Cryptography;

namespace Tern.Engine.Tests.Crypto;

/// <summary>libsodium's XChaCha20-Poly1305 through NSec's API: the reference the managed and span paths are checked against.</summary>
internal static class NsecAead
{
    public static byte[] Seal(byte[] key, byte[] nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        using var k = Key.Import(AeadAlgorithm.XChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
        return AeadAlgorithm.XChaCha20Poly1305.Encrypt(k, nonce, associatedData, plaintext);
    }
}
