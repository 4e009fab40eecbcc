using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;
using Tern.Engine.Crypto;
using XChaCha20Poly1305 = Tern.Engine.Crypto.XChaCha20Poly1305;

namespace Tern.Engine.Tests.Crypto;

/// <summary>
/// The managed ChaCha20, Poly1305 and XChaCha20-Poly1305 against published vectors, and the AEAD against libsodium (NSec's
/// build, through NSec's API) byte for byte. The Wycheproof vectors are in <see cref="WycheproofAeadTests"/>.
/// </summary>
public class ManagedAeadTests
{
    private static readonly byte[] Sunscreen = Encoding.ASCII.GetBytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

    // RFC 8439 §2.3.2: block 1 under key 00..1f and nonce 000000090000004a00000000.
    [SkippableFact]
    public void ChaCha20_block_matches_RFC8439()
    {
        SkipWithoutVectorPath();
        var key = Words(Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
        var nonce = Words(Convert.FromHexString("000000090000004a00000000"));
        var keystream = new byte[ChaCha20Core.PassSize];

        ChaCha20Core.Keystream(key, 1, nonce, keystream);

        Assert.Equal("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
            + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", Convert.ToHexStringLower(keystream.AsSpan(0, 64)));
    }

    // RFC 8439 §2.4.2: the sunscreen text from counter 1.
    [SkippableFact]
    public void ChaCha20_encryption_matches_RFC8439()
    {
        SkipWithoutVectorPath();
        var key = Words(Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
        var nonce = Words(Convert.FromHexString("000000000000004a00000000"));
        var output = new byte[Sunscreen.Length];

        ChaCha20Core.Xor(key, 1, nonce, Sunscreen, output, new byte[ChaCha20Core.PassSize]);

        Assert.Equal("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
            + "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eed"
            + "f2785e42874d", Convert.ToHexStringLower(output));
    }

    [SkippableFact]
    public void ChaCha20_passes_continue_the_counter()
    {
        SkipWithoutVectorPath();
        var key = Words(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var nonce = new uint[] { 1, 2, 3 };
        var twoPasses = new byte[2 * ChaCha20Core.PassSize];
        ChaCha20Core.Keystream(key, 5, nonce, twoPasses);
        ChaCha20Core.Keystream(key, 5 + ChaCha20Core.BlocksPerPass, nonce, twoPasses.AsSpan(ChaCha20Core.PassSize));

        var xored = new byte[1000];
        ChaCha20Core.Xor(key, 5, nonce, new byte[1000], xored, new byte[ChaCha20Core.PassSize]);

        Assert.Equal(twoPasses.AsSpan(0, 1000).ToArray(), xored);
    }

    // RFC 8439 §2.5.2.
    [Fact]
    public void Poly1305_matches_RFC8439()
    {
        var key = Convert.FromHexString("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        var tag = new byte[Poly1305.TagSize];

        Poly1305.Compute(key, "Cryptographic Forum Research Group"u8, tag);

        Assert.Equal("a8061dc1305136c6c22b8baf0c0127a9", Convert.ToHexStringLower(tag));
    }

    // RFC 8439 Appendix A.3 #6, #8 and #9: h lands on, just past or just below p, which only the masked
    // final reduction gets right.
    [Theory]
    [InlineData("02000000000000000000000000000000ffffffffffffffffffffffffffffffff", "02000000000000000000000000000000",
        "03000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101",
        "00000000000000000000000000000000")]
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000", "fdffffffffffffffffffffffffffffff",
        "faffffffffffffffffffffffffffffff")]
    public void Poly1305_reduces_modulo_p(string keyHex, string messageHex, string tagHex)
    {
        var tag = new byte[Poly1305.TagSize];

        Poly1305.Compute(Convert.FromHexString(keyHex), Convert.FromHexString(messageHex), tag);

        Assert.Equal(tagHex, Convert.ToHexStringLower(tag));
    }

    // RFC 8439 §2.8.2: the IETF AEAD (XChaCha's inner half) assembled from the same pieces the managed seal uses.
    [SkippableFact]
    public void ChaCha20Poly1305_matches_RFC8439()
    {
        SkipWithoutVectorPath();
        var key = Words(Convert.FromHexString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
        var nonce = Words(Convert.FromHexString("070000004041424344454647"));
        var aad = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
        var keystream = new byte[ChaCha20Core.PassSize];
        ChaCha20Core.Keystream(key, 0, nonce, keystream);
        var ciphertext = new byte[Sunscreen.Length + Poly1305.TagSize];

        ChaCha20Core.XorBytes(Sunscreen, keystream.AsSpan(64), ciphertext);
        var mac = new Poly1305(keystream.AsSpan(0, Poly1305.KeySize));
        mac.UpdatePadded(aad);
        mac.UpdatePadded(ciphertext.AsSpan(0, Sunscreen.Length));
        mac.UpdateLengths(aad.Length, Sunscreen.Length);
        mac.Finish(ciphertext.AsSpan(Sunscreen.Length));

        Assert.Equal("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
            + "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d265"
            + "86cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691", Convert.ToHexStringLower(ciphertext));
    }

    // draft-irtf-cfrg-xchacha-03, Appendix A.3.1.
    [SkippableFact]
    public void XChaCha20Poly1305_matches_draft_irtf_cfrg_xchacha()
    {
        SkipWithoutVectorPath();
        var aad = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
        var key = Convert.FromHexString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        var nonce = Convert.FromHexString("404142434445464748494a4b4c4d4e4f5051525354555657");
        var sealedBytes = new byte[Sunscreen.Length + Poly1305.TagSize];

        XChaCha20Poly1305Managed.Seal(key, nonce, Sunscreen, aad, sealedBytes);

        Assert.Equal("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96"
            + "b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49", Convert.ToHexStringLower(sealedBytes));
        var opened = new byte[Sunscreen.Length];
        Assert.True(XChaCha20Poly1305Managed.TryOpen(key, nonce, sealedBytes, aad, opened));
        Assert.Equal(Sunscreen, opened);
    }

    [SkippableFact]
    public void Failed_open_leaves_no_plaintext()
    {
        SkipWithoutVectorPath();
        var key = new byte[32];
        var nonce = new byte[24];
        var sealedBytes = new byte[100 + Poly1305.TagSize];
        XChaCha20Poly1305Managed.Seal(key, nonce, new byte[100], [], sealedBytes);
        sealedBytes[^1] ^= 0x80;
        var opened = Enumerable.Repeat((byte)0xaa, 100).ToArray();

        Assert.False(XChaCha20Poly1305Managed.TryOpen(key, nonce, sealedBytes, [], opened));
        Assert.All(opened, b => Assert.Equal(0, b));
    }

    [SkippableFact]
    public void Seals_in_place()
    {
        SkipWithoutVectorPath();
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var nonce = Enumerable.Range(1, 24).Select(i => (byte)(i * 3)).ToArray();
        var plaintext = Enumerable.Range(0, 1100).Select(i => (byte)i).ToArray();
        var expected = NsecAead.Seal(key, nonce, plaintext, "ad"u8);

        var buffer = new byte[plaintext.Length + 16];
        plaintext.CopyTo(buffer, 0);
        XChaCha20Poly1305Managed.Seal(key, nonce, buffer.AsSpan(0, plaintext.Length), "ad"u8, buffer);
        Assert.Equal(expected, buffer);

        Assert.True(XChaCha20Poly1305Managed.TryOpen(key, nonce, buffer, "ad"u8, buffer.AsSpan(0, plaintext.Length)));
        Assert.Equal(plaintext, buffer.AsSpan(0, plaintext.Length).ToArray());
    }

    // 10 000 random cases against NSec's XChaCha20-Poly1305 (libsodium): 2 500 random keys, four cases each (an NSec key
    // is guarded memory of its own, slow to make); every length 0..300 first, then random lengths up to 2 KiB and a few up
    // to 4 200 (several managed passes), random nonces and AD up to 100 bytes.
    [SkippableFact]
    public void Agrees_with_libsodium_byte_for_byte()
    {
        SkipWithoutVectorPath();
        var random = new Random(10_000);
        var key = new byte[32];
        var nonce = new byte[24];
        var ad = new byte[100];
        var plaintext = new byte[4200];
        var managed = new byte[4200 + 16];
        var native = new byte[4200 + 16];
        var opened = new byte[4200];
        var nsec = AeadAlgorithm.XChaCha20Poly1305;
        for (var k = 0; k < 2_500; k++)
        {
            random.NextBytes(key);
            using var libsodiumKey = Key.Import(nsec, key, KeyBlobFormat.RawSymmetricKey);
            for (var i = 4 * k; i < 4 * k + 4; i++)
            {
                var length = i <= 300 ? i : i % 50 == 0 ? random.Next(2049, 4201) : random.Next(0, 2049);
                var adLength = random.Next(0, 101);
                random.NextBytes(nonce);
                random.NextBytes(ad);
                random.NextBytes(plaintext);
                var m = plaintext.AsSpan(0, length);
                var a = ad.AsSpan(0, adLength);
                var c1 = managed.AsSpan(0, length + 16);
                var c2 = native.AsSpan(0, length + 16);
                var p = opened.AsSpan(0, length);

                XChaCha20Poly1305Managed.Seal(key, nonce, m, a, c1);
                nsec.Encrypt(libsodiumKey, nonce, a, m, c2);
                Assert.True(c1.SequenceEqual(c2), $"case {i}: length {length}, AD {adLength}");
                XChaCha20Poly1305.Seal(key, nonce, m, a, c1); // the public entry point, whichever path it takes
                Assert.True(c1.SequenceEqual(c2), $"case {i}: public seal, length {length}");

                Assert.True(nsec.Decrypt(libsodiumKey, nonce, a, c1, p));
                Assert.True(p.SequenceEqual(m));
                p.Clear();
                Assert.True(XChaCha20Poly1305Managed.TryOpen(key, nonce, c2, a, p));
                Assert.True(p.SequenceEqual(m));
                p.Clear();
                Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, c2, a, p));
                Assert.True(p.SequenceEqual(m));

                // One flipped bit, in the ciphertext, the tag, the AD or the nonce, fails all three.
                var target = random.Next(4);
                Span<byte> flipped = target switch
                {
                    0 when length > 0 => c1[..length],
                    0 or 1 => c1[length..],
                    2 when adLength > 0 => a,
                    _ => nonce,
                };
                var at = random.Next(flipped.Length);
                var bit = (byte)(1 << random.Next(8));
                flipped[at] ^= bit;
                Assert.False(XChaCha20Poly1305Managed.TryOpen(key, nonce, c1, a, p), $"case {i}: managed accepted a flipped bit ({target})");
                Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, c1, a, p), $"case {i}: public open accepted a flipped bit ({target})");
                Assert.False(nsec.Decrypt(libsodiumKey, nonce, a, c1, p), $"case {i}: libsodium accepted a flipped bit ({target})");
            }
        }
    }

    // The managed path needs AVX2; without it XChaCha20Poly1305 uses libsodium and these report SKIPPED.
    private static void SkipWithoutVectorPath() => Skip.IfNot(ChaCha20Core.IsSupported, "no AVX2: the managed AEAD is not used here");

    private static uint[] Words(byte[] bytes)
    {
        var words = new uint[bytes.Length / 4];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4));
        }

        return words;
    }
}
