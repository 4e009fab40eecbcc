using Tern.Cli.Sealing;
using Tern.Engine.Crypto;

namespace Tern.Cli.Tests;

/// <summary>Sealed files (docs/CLI.md): what is sealed to a key opens with its secret only, whole and in order.</summary>
public sealed class SealedFileTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SealedFile.ChunkSize - 1)]
    [InlineData(SealedFile.ChunkSize)]
    [InlineData(SealedFile.ChunkSize + 1)]
    [InlineData((3 * SealedFile.ChunkSize) + 17)]
    public async Task What_is_sealed_to_a_key_opens_with_its_secret(int length)
    {
        var (secret, publicKey) = KeyPair();
        var plaintext = new byte[length];
        Random.Shared.NextBytes(plaintext);

        var sealedBytes = await SealAsync(plaintext, publicKey);

        Assert.Equal(SealedFile.SealedLength(length), sealedBytes.Length);
        if (length >= 32)
        {
            Assert.DoesNotContain(Convert.ToHexString(plaintext.AsSpan(0, 32)), Convert.ToHexString(sealedBytes), StringComparison.Ordinal);
        }

        Assert.Equal(plaintext, await OpenAsync(sealedBytes, secret));
    }

    [Fact]
    public async Task Another_key_a_flipped_bit_a_cut_or_a_dropped_chunk_fail_to_open()
    {
        var (secret, publicKey) = KeyPair();
        var (otherSecret, _) = KeyPair();
        var plaintext = new byte[(2 * SealedFile.ChunkSize) + 5];
        Random.Shared.NextBytes(plaintext);
        var sealedBytes = await SealAsync(plaintext, publicKey);
        var flipped = (byte[])sealedBytes.Clone();
        flipped[SealedFile.HeaderSize + 100] ^= 1;
        var chunk = SealedFile.ChunkSize + XChaCha20Poly1305.TagSize;
        byte[] cutAtChunk = sealedBytes[..(SealedFile.HeaderSize + (2 * chunk))];
        byte[] droppedMiddle = [.. sealedBytes[..(SealedFile.HeaderSize + chunk)], .. sealedBytes[(SealedFile.HeaderSize + (2 * chunk))..]];

        await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(sealedBytes, otherSecret));
        await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(flipped, secret));
        await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(cutAtChunk, secret));
        await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(droppedMiddle, secret));
        await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(sealedBytes[..20], secret));
    }

    private static (byte[] Secret, byte[] Public) KeyPair()
    {
        var secret = new byte[X25519.SecretKeySize];
        var publicKey = new byte[X25519.PublicKeySize];
        SecureRandom.Fill(secret);
        X25519.PublicKeyFromSecret(secret, publicKey);
        return (secret, publicKey);
    }

    private static async Task<byte[]> SealAsync(byte[] plaintext, byte[] publicKey)
    {
        using var output = new MemoryStream();
        await SealedFile.SealAsync(new MemoryStream(plaintext), output, publicKey, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<byte[]> OpenAsync(byte[] sealedBytes, byte[] secret)
    {
        using var output = new MemoryStream();
        await SealedFile.OpenAsync(new MemoryStream(sealedBytes), output, secret, CancellationToken.None);
        return output.ToArray();
    }
}
