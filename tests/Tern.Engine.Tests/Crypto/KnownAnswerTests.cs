using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Tests.Crypto;

/// <summary>Published test vectors run through the crypto layer (NSec, and libsodium on spans where Tern calls it): a wrong binding or argument order fails here.</summary>
public class KnownAnswerTests
{
    // RFC 8032 §7.1, TEST 1–3 and TEST SHA(abc).
    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Ed25519_matches_RFC8032(string seedHex, string publicHex, string messageHex, string signatureHex)
    {
        var seed = Convert.FromHexString(seedHex);
        var message = Convert.FromHexString(messageHex);
        var publicKey = new byte[Ed25519.PublicKeySize];
        var signature = new byte[Ed25519.SignatureSize];

        using var secretKey = Ed25519.ImportSeed(seed);
        Ed25519.PublicKeyOf(secretKey, publicKey);
        Ed25519.Sign(secretKey, message, signature);

        Assert.Equal(publicHex, Convert.ToHexStringLower(publicKey));
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
        Assert.True(Ed25519.Verify(publicKey, message, signature));

        signature[0] ^= 1;
        Assert.False(Ed25519.Verify(publicKey, message, signature));
        Assert.False(Ed25519.Verify(publicKey, message, signature.AsSpan(0, 63)));
    }

    // RFC 7748 §5.2, first vector.
    [Fact]
    public void X25519_scalar_multiplication_matches_RFC7748()
    {
        var scalar = Convert.FromHexString("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        var u = Convert.FromHexString("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        var output = new byte[32];

        Assert.True(X25519.TryAgree(scalar, u, output));
        Assert.Equal("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Convert.ToHexStringLower(output));
    }

    // RFC 7748 §6.1: both sides derive the same shared secret.
    [Fact]
    public void X25519_Diffie_Hellman_matches_RFC7748()
    {
        var alicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = new byte[32];
        var bobPublic = new byte[32];
        X25519.PublicKeyFromSecret(alicePrivate, alicePublic);
        X25519.PublicKeyFromSecret(bobPrivate, bobPublic);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alicePublic));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bobPublic));

        var aliceShared = new byte[32];
        var bobShared = new byte[32];
        Assert.True(X25519.TryAgree(alicePrivate, bobPublic, aliceShared));
        Assert.True(X25519.TryAgree(bobPrivate, alicePublic, bobShared));
        const string Expected = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(Expected, Convert.ToHexStringLower(aliceShared));
        Assert.Equal(Expected, Convert.ToHexStringLower(bobShared));
    }

    [Fact]
    public void X25519_refuses_low_order_points()
    {
        var secret = new byte[32];
        SecureRandom.Fill(secret);
        var output = new byte[32];

        Assert.False(X25519.TryAgree(secret, new byte[32], output));            // the identity: all-zero result
        Assert.False(X25519.TryAgree(secret, new byte[31], output));            // wrong length is refused, not thrown
    }

    // draft-irtf-cfrg-xchacha-03, Appendix A.3.1.
    [Fact]
    public void XChaCha20Poly1305_matches_draft_irtf_cfrg_xchacha()
    {
        var plaintext = Encoding.ASCII.GetBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        var aad = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
        var key = Convert.FromHexString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        var nonce = Convert.FromHexString("404142434445464748494a4b4c4d4e4f5051525354555657");
        const string ExpectedCiphertext = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e";
        const string ExpectedTag = "c0875924c1c7987947deafd8780acf49";

        var sealedBytes = new byte[plaintext.Length + XChaCha20Poly1305.TagSize];
        XChaCha20Poly1305.Seal(key, nonce, plaintext, aad, sealedBytes);
        Assert.Equal(ExpectedCiphertext + ExpectedTag, Convert.ToHexStringLower(sealedBytes));

        var opened = new byte[plaintext.Length];
        Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, aad, opened));
        Assert.Equal(plaintext, opened);

        aad[0] ^= 1;
        Assert.False(XChaCha20Poly1305.TryOpen(key, nonce, sealedBytes, aad, opened));
    }

    [Fact]
    public void XChaCha20Poly1305_seals_in_place()
    {
        var key = new byte[32];
        var nonce = new byte[24];
        SecureRandom.Fill(key);
        SecureRandom.Fill(nonce);
        var buffer = new byte[64 + XChaCha20Poly1305.TagSize];
        SecureRandom.Fill(buffer.AsSpan(0, 64));
        var original = buffer[..64];

        XChaCha20Poly1305.Seal(key, nonce, buffer.AsSpan(0, 64), default, buffer);
        Assert.NotEqual(original, buffer[..64]);
        Assert.True(XChaCha20Poly1305.TryOpen(key, nonce, buffer, default, buffer.AsSpan(0, 64)));
        Assert.Equal(original, buffer[..64]);
    }

    // RFC 7693 Appendix A: BLAKE2b-512("abc").
    [Fact]
    public void Blake2b_matches_RFC7693()
    {
        var hash = new byte[64];
        Blake2b.Hash("abc"u8, hash);
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Blake2b_incremental_equals_one_shot_and_keys_change_the_result()
    {
        var data = new byte[10_000];
        SecureRandom.Fill(data);
        var oneShot = new byte[32];
        var incremental = new byte[32];
        var keyed = new byte[32];

        Blake2b.Hash(data, oneShot);
        using (var hasher = new Blake2bHasher())
        {
            for (var offset = 0; offset < data.Length; offset += 777)
            {
                hasher.Append(data.AsSpan(offset, Math.Min(777, data.Length - offset)));
            }

            hasher.Finish(incremental);
        }

        Blake2b.Hash(data, keyed, "context"u8);
        Assert.Equal(oneShot, incremental);
        Assert.NotEqual(oneShot, keyed);
        Assert.Throws<ArgumentException>(() => Blake2b.Hash(data, new byte[8]));
    }

    [Fact]
    public void Random_bytes_differ_between_calls_and_constant_time_compare_works()
    {
        var a = new byte[32];
        var b = new byte[32];
        SecureRandom.Fill(a);
        SecureRandom.Fill(b);

        Assert.NotEqual(a, b);
        Assert.True(ConstantTime.Equals(a, (byte[])a.Clone()));
        Assert.False(ConstantTime.Equals(a, b));
        Assert.False(ConstantTime.Equals(a, a.AsSpan(0, 31)));
        Assert.StartsWith("1.0.", Sodium.Version, StringComparison.Ordinal);
    }
}
