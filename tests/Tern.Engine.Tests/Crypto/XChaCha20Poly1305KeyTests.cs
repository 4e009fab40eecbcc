using Tern.Engine.Crypto;

namespace Tern.Engine.Tests.Crypto;

/// <summary>
/// The key that keeps its HChaCha20 subkey per nonce prefix must seal and open exactly as the stateless AEAD does: on
/// the managed path and on libsodium's, across prefix changes and re-keying.
/// </summary>
public class XChaCha20Poly1305KeyTests
{
    // Both sides of the managed path's 512-byte limit, and a full datagram's body.
    public static TheoryData<int> Lengths => new() { 0, 1, 63, 64, 200, 448, 449, 512, 513, 1100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Seal_equals_the_stateless_AEAD_for_a_run_of_nonces_with_one_prefix_then_another(int length)
    {
        var random = new Random(length);
        var secret = Bytes(random, XChaCha20Poly1305.KeySize);
        using var key = new XChaCha20Poly1305Key();
        key.Set(secret);
        var header = Bytes(random, 58);
        var prefix = Bytes(random, 16);
        for (var i = 0; i < 6; i++)
        {
            if (i == 3)
            {
                prefix = Bytes(random, 16); // a restarted sender: new prefix, the subkey must follow
            }

            var nonce = Nonce(prefix, (ulong)i);
            var plaintext = Bytes(random, length);
            var expected = new byte[length + XChaCha20Poly1305.TagSize];
            var actual = new byte[length + XChaCha20Poly1305.TagSize];
            XChaCha20Poly1305.Seal(secret, nonce, plaintext, header, expected);

            key.Seal(nonce, plaintext, header, actual);

            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TryOpen_opens_what_the_stateless_AEAD_sealed_and_refuses_any_flipped_bit(int length)
    {
        var random = new Random(1000 + length);
        var secret = Bytes(random, XChaCha20Poly1305.KeySize);
        using var key = new XChaCha20Poly1305Key();
        key.Set(secret);
        var header = Bytes(random, 58);
        var nonce = Nonce(Bytes(random, 16), 7);
        var plaintext = Bytes(random, length);
        var sealedBytes = new byte[length + XChaCha20Poly1305.TagSize];
        XChaCha20Poly1305.Seal(secret, nonce, plaintext, header, sealedBytes);
        var opened = new byte[length];

        Assert.True(key.TryOpen(nonce, sealedBytes, header, opened));
        Assert.Equal(plaintext, opened);

        var flipped = (byte[])sealedBytes.Clone();
        flipped[random.Next(flipped.Length)] ^= 0x10;
        Assert.False(key.TryOpen(nonce, flipped, header, opened));
        Assert.All(opened, b => Assert.Equal(0, b));

        var otherNonce = (byte[])nonce.Clone();
        otherNonce[3] ^= 1; // another prefix: derives another subkey, which does not open it
        Assert.False(key.TryOpen(otherNonce, sealedBytes, header, opened));
        Assert.True(key.TryOpen(nonce, sealedBytes, header, opened));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(1100)]
    public void Set_forgets_the_subkey_of_the_previous_key(int length)
    {
        var random = new Random(77);
        var first = Bytes(random, XChaCha20Poly1305.KeySize);
        var second = Bytes(random, XChaCha20Poly1305.KeySize);
        var header = Bytes(random, 58);
        var plaintext = Bytes(random, length);
        var nonce = Nonce(Bytes(random, 16), 1);
        using var key = new XChaCha20Poly1305Key();
        key.Set(first);
        var scratch = new byte[length + XChaCha20Poly1305.TagSize];
        key.Seal(nonce, plaintext, header, scratch); // caches the first key's subkey for this prefix

        key.Set(second);
        var actual = new byte[length + XChaCha20Poly1305.TagSize];
        key.Seal(Nonce(nonce.AsSpan(0, 16).ToArray(), 2), plaintext, header, actual);

        var expected = new byte[length + XChaCha20Poly1305.TagSize];
        XChaCha20Poly1305.Seal(second, Nonce(nonce.AsSpan(0, 16).ToArray(), 2), plaintext, header, expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Sizes_are_checked_with_the_argument_named()
    {
        using var key = new XChaCha20Poly1305Key();
        Assert.Throws<ArgumentException>("key", () => key.Set(new byte[31]));
        key.Set(new byte[32]);
        Assert.Throws<ArgumentException>("nonce", () => key.Seal(new byte[23], new byte[10], default, new byte[26]));
        Assert.Throws<ArgumentException>("ciphertext", () => key.Seal(new byte[24], new byte[10], default, new byte[25]));
        Assert.False(key.TryOpen(new byte[24], new byte[15], default, Array.Empty<byte>()));
    }

    private static byte[] Nonce(byte[] prefix, ulong counter)
    {
        var nonce = new byte[XChaCha20Poly1305.NonceSize];
        prefix.CopyTo(nonce, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(16), counter);
        return nonce;
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
