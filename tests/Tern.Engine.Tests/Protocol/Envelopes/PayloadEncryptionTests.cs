using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Envelopes;

namespace Tern.Engine.Tests.Protocol.Envelopes;

/// <summary>
/// The payload cipher (docs/PROTOCOL.md §15.5): what is sealed under a content key opens with that key only, whole and in
/// order, and any chunk opens on its own from its offset (a range).
/// </summary>
public sealed class PayloadEncryptionTests
{
    private const int Sealed = PayloadEncryption.SealedChunkSize;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(PayloadEncryption.ChunkSize - 1)]
    [InlineData(PayloadEncryption.ChunkSize)]
    [InlineData(PayloadEncryption.ChunkSize + 1)]
    [InlineData((3 * PayloadEncryption.ChunkSize) + 17)]
    public async Task What_is_sealed_under_a_content_key_opens_with_it(int length)
    {
        var key = Key();
        var plaintext = new byte[length];
        Random.Shared.NextBytes(plaintext);

        var payload = await SealAsync(plaintext, key);

        Assert.Equal(PayloadEncryption.SealedLength(length), payload.Length);
        Assert.True(PayloadEncryption.TryPlaintextLength(payload.Length, out var plainLength));
        Assert.Equal(length, plainLength);
        if (length >= 32)
        {
            Assert.DoesNotContain(Convert.ToHexString(plaintext.AsSpan(0, 32)), Convert.ToHexString(payload), StringComparison.Ordinal);
        }

        Assert.Equal(plaintext, await OpenAsync(payload, key));
    }

    [Fact]
    public async Task Another_key_a_flipped_bit_a_cut_a_dropped_or_swapped_chunk_fail_to_open()
    {
        var key = Key();
        var plaintext = new byte[(2 * PayloadEncryption.ChunkSize) + 5];
        Random.Shared.NextBytes(plaintext);
        var payload = await SealAsync(plaintext, key);
        var flipped = (byte[])payload.Clone();
        flipped[100] ^= 1;
        byte[] cutAtChunk = payload[..(2 * Sealed)];
        byte[] droppedMiddle = [.. payload[..Sealed], .. payload[(2 * Sealed)..]];
        byte[] swapped = [.. payload[Sealed..(2 * Sealed)], .. payload[..Sealed], .. payload[(2 * Sealed)..]];

        Assert.Null(await OpenAsync(payload, Key()));
        Assert.Null(await OpenAsync(flipped, key));
        Assert.Null(await OpenAsync(cutAtChunk, key));
        Assert.Null(await OpenAsync(droppedMiddle, key));
        Assert.Null(await OpenAsync(swapped, key));
        Assert.Null(await OpenAsync(payload[..10], key));
        Assert.Null(await OpenAsync([], key));
    }

    [Fact]
    public async Task Each_chunk_opens_on_its_own_from_its_offset()
    {
        var key = Key();
        var plaintext = new byte[(3 * PayloadEncryption.ChunkSize) + 9];
        Random.Shared.NextBytes(plaintext);
        var payload = await SealAsync(plaintext, key);
        var plain = new byte[PayloadEncryption.ChunkSize];

        Assert.True(PayloadEncryption.TryOpenChunk(key, 2, last: false, payload.AsSpan(2 * Sealed, Sealed), plain));
        Assert.Equal(plaintext.AsSpan(2 * PayloadEncryption.ChunkSize, PayloadEncryption.ChunkSize).ToArray(), plain);
        Assert.True(PayloadEncryption.TryOpenChunk(key, 3, last: true, payload.AsSpan(3 * Sealed), plain));
        Assert.Equal(plaintext.AsSpan(3 * PayloadEncryption.ChunkSize).ToArray(), plain[..9]);

        // The number and the last flag are bound: chunk 2 read as chunk 1, or as the last, does not open.
        Assert.False(PayloadEncryption.TryOpenChunk(key, 1, last: false, payload.AsSpan(2 * Sealed, Sealed), plain));
        Assert.False(PayloadEncryption.TryOpenChunk(key, 2, last: true, payload.AsSpan(2 * Sealed, Sealed - 1), plain));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(Sealed)]
    [InlineData(Sealed + 15)]
    public void A_length_no_plaintext_seals_to_has_no_plaintext_length(long length)
        => Assert.False(PayloadEncryption.TryPlaintextLength(length, out _));

    private static byte[] Key()
    {
        var key = new byte[PayloadEncryption.KeySize];
        SecureRandom.Fill(key);
        return key;
    }

    private static async Task<byte[]> SealAsync(byte[] plaintext, byte[] key)
    {
        using var output = new MemoryStream();
        Assert.Equal(PayloadEncryption.SealedLength(plaintext.Length), await PayloadEncryption.SealAsync(new MemoryStream(plaintext), output, key, CancellationToken.None));
        return output.ToArray();
    }

    private static async Task<byte[]?> OpenAsync(byte[] payload, byte[] key)
    {
        using var output = new MemoryStream();
        return await PayloadEncryption.OpenAsync(new MemoryStream(payload), output, key, CancellationToken.None) ? output.ToArray() : null;
    }
}
