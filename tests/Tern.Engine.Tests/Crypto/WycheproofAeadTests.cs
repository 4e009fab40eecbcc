using NSec.Cryptography;
using Tern.Engine.Crypto;
using XChaCha20Poly1305 = Tern.Engine.Crypto.XChaCha20Poly1305;

namespace Tern.Engine.Tests.Crypto;

/// <summary>
/// Every Wycheproof ChaCha20-Poly1305 and XChaCha20-Poly1305 vector, valid and invalid, through each path Tern has: the
/// managed AEAD, libsodium's IETF AEAD on raw key bytes (<see cref="LibsodiumNative"/>, what per-peer keys use above 512
/// bytes), Tern's public <see cref="XChaCha20Poly1305"/>, and NSec's API. A valid vector seals to its ciphertext and tag
/// and opens to its message; an invalid one (a forged tag, a nonce of another size) opens on no path.
/// </summary>
public class WycheproofAeadTests
{
    [Fact]
    public void ChaCha20Poly1305_vectors_pass_on_every_path()
    {
        var checkedCount = 0;
        foreach (var v in WycheproofCase.Load("chacha20_poly1305_test.json"))
        {
            var (key, nonce, aad, msg, expected) = Parts(v);
            if (v.GroupInt("ivSize") != 96)
            {
                // A nonce of another size has no RFC 8439 meaning: Tern's APIs take 12 bytes or 24 (XChaCha).
                Assert.False(v.Valid, v.ToString());
                Assert.Throws<ArgumentException>(() => AeadAlgorithm.ChaCha20Poly1305.Encrypt(Import(AeadAlgorithm.ChaCha20Poly1305, key), nonce, aad, msg));
                continue;
            }

            var output = new byte[msg.Length + 16];
            if (ChaCha20Core.IsSupported)
            {
                XChaCha20Poly1305Managed.SealIetf(key, nonce, msg, aad, output);
                Assert.True(!v.Valid || output.AsSpan().SequenceEqual(expected), $"managed seal, {v}");
                AssertOpens(v, expected, msg, (c, p) => XChaCha20Poly1305Managed.TryOpenIetf(key, nonce, c, aad, p), "managed");
            }

            RawIetf.Seal(key, nonce, msg, aad, output);
            Assert.True(!v.Valid || output.AsSpan().SequenceEqual(expected), $"libsodium on spans, seal, {v}");
            AssertOpens(v, expected, msg, (c, p) => RawIetf.TryOpen(key, nonce, c, aad, p), "libsodium on spans");

            using var nsecKey = Import(AeadAlgorithm.ChaCha20Poly1305, key);
            AssertOpens(v, expected, msg, (c, p) => AeadAlgorithm.ChaCha20Poly1305.Decrypt(nsecKey, nonce, aad, c, p), "NSec");
            checkedCount++;
        }

        Assert.Equal(316, checkedCount);
    }

    [Fact]
    public void XChaCha20Poly1305_vectors_pass_on_every_path()
    {
        var checkedCount = 0;
        foreach (var v in WycheproofCase.Load("xchacha20_poly1305_test.json"))
        {
            var (key, nonce, aad, msg, expected) = Parts(v);
            if (v.GroupInt("ivSize") != 192)
            {
                Assert.False(v.Valid, v.ToString());
                Assert.Throws<ArgumentException>(() => XChaCha20Poly1305.Seal(key, nonce, msg, aad, new byte[msg.Length + 16]));
                continue;
            }

            var output = new byte[msg.Length + 16];
            if (ChaCha20Core.IsSupported)
            {
                XChaCha20Poly1305Managed.Seal(key, nonce, msg, aad, output);
                Assert.True(!v.Valid || output.AsSpan().SequenceEqual(expected), $"managed seal, {v}");
                AssertOpens(v, expected, msg, (c, p) => XChaCha20Poly1305Managed.TryOpen(key, nonce, c, aad, p), "managed");
            }

            XChaCha20Poly1305.Seal(key, nonce, msg, aad, output);
            Assert.True(!v.Valid || output.AsSpan().SequenceEqual(expected), $"public seal, {v}");
            AssertOpens(v, expected, msg, (c, p) => XChaCha20Poly1305.TryOpen(key, nonce, c, aad, p), "public");

            // The per-peer state above the managed path's limit: libsodium's IETF AEAD under the kept subkey.
            using (var kept = new XChaCha20Poly1305Key())
            {
                kept.Set(key);
                AssertOpens(v, expected, msg, (c, p) => kept.TryOpen(nonce, c, aad, p), "per-peer key");
            }

            using var nsecKey = Import(AeadAlgorithm.XChaCha20Poly1305, key);
            AssertOpens(v, expected, msg, (c, p) => AeadAlgorithm.XChaCha20Poly1305.Decrypt(nsecKey, nonce, aad, c, p), "NSec");
            checkedCount++;
        }

        Assert.Equal(306, checkedCount);
    }

    private static (byte[] Key, byte[] Nonce, byte[] Aad, byte[] Msg, byte[] Expected) Parts(WycheproofCase v)
        => (v.Hex("key"), v.Hex("iv"), v.Hex("aad"), v.Hex("msg"), [.. v.Hex("ct"), .. v.Hex("tag")]);

    private static Key Import(AeadAlgorithm algorithm, byte[] key) => Key.Import(algorithm, key, KeyBlobFormat.RawSymmetricKey);

    private static void AssertOpens(WycheproofCase v, byte[] sealedBytes, byte[] msg, OpenFunction open, string path)
    {
        var opened = new byte[sealedBytes.Length - 16];
        Assert.True(open(sealedBytes, opened) == v.Valid, $"{path} open, {v}");
        Assert.True(!v.Valid || opened.AsSpan().SequenceEqual(msg), $"{path} plaintext, {v}");
    }

    private delegate bool OpenFunction(byte[] ciphertext, byte[] plaintext);

    /// <summary>The IETF AEAD on raw bytes as <see cref="XChaCha20Poly1305Key"/> calls it.</summary>
    private static unsafe class RawIetf
    {
        public static void Seal(byte[] key, byte[] nonce, byte[] msg, byte[] aad, byte[] output)
        {
            fixed (byte* c = output)
            fixed (byte* m = msg)
            fixed (byte* a = aad)
            fixed (byte* n = nonce)
            fixed (byte* k = key)
            {
                ulong length;
                Assert.Equal(0, LibsodiumNative.crypto_aead_chacha20poly1305_ietf_encrypt(c, &length, m, (ulong)msg.Length, a, (ulong)aad.Length, null, n, k));
            }
        }

        public static bool TryOpen(byte[] key, byte[] nonce, byte[] sealedBytes, byte[] aad, byte[] output)
        {
            fixed (byte* m = output)
            fixed (byte* c = sealedBytes)
            fixed (byte* a = aad)
            fixed (byte* n = nonce)
            fixed (byte* k = key)
            {
                ulong length;
                return LibsodiumNative.crypto_aead_chacha20poly1305_ietf_decrypt(m, &length, null, c, (ulong)sealedBytes.Length, a, (ulong)aad.Length, n, k) == 0;
            }
        }
    }
}
