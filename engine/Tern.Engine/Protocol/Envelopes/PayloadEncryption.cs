using System.Buffers;
using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// The payload cipher <see cref="PayloadCipher.ChunkedXChaCha20Poly1305"/> (docs/PROTOCOL.md §15.5): the plaintext in
/// chunks of 65 536 bytes, each sealed with XChaCha20-Poly1305 under the message's random content key, the nonce the
/// chunk's number (<c>u64</c>) and a last-chunk byte; the last chunk is shorter than a whole one (empty if need be). Chunk
/// <c>i</c> starts at <c>i × 65 552</c> of the payload, so a range decrypts without what comes before it; a cut, a
/// reordered or a swapped chunk fails authentication. One content key per message, so the counter nonces never repeat.
/// </summary>
public static class PayloadEncryption
{
    /// <summary>Plaintext bytes in each chunk but the last.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>A whole chunk once sealed.</summary>
    public const int SealedChunkSize = ChunkSize + XChaCha20Poly1305.TagSize;

    /// <summary>Length of a content key.</summary>
    public const int KeySize = XChaCha20Poly1305.KeySize;

    /// <summary>The payload's length for <paramref name="plaintextLength"/> bytes of plaintext.</summary>
    public static long SealedLength(long plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        return ((plaintextLength / ChunkSize) + 1) * XChaCha20Poly1305.TagSize + plaintextLength;
    }

    /// <summary>The plaintext length of a payload of <paramref name="sealedLength"/> bytes; false when no plaintext seals to that length.</summary>
    public static bool TryPlaintextLength(long sealedLength, out long plaintextLength)
    {
        plaintextLength = 0;
        if (sealedLength < XChaCha20Poly1305.TagSize || sealedLength % SealedChunkSize < XChaCha20Poly1305.TagSize)
        {
            return false;
        }

        plaintextLength = sealedLength - (((sealedLength / SealedChunkSize) + 1) * XChaCha20Poly1305.TagSize);
        return true;
    }

    /// <summary>Seals chunk <paramref name="index"/> (<c>plain.Length + 16</c> bytes into <paramref name="sealedChunk"/>).</summary>
    public static void SealChunk(ReadOnlySpan<byte> contentKey, long index, bool last, ReadOnlySpan<byte> plain, Span<byte> sealedChunk)
    {
        if (plain.Length > ChunkSize || (last ? plain.Length == ChunkSize : plain.Length != ChunkSize))
        {
            throw new ArgumentException("A chunk is 65 536 bytes, the last one fewer (docs/PROTOCOL.md §15.5).", nameof(plain));
        }

        Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
        Nonce(index, last, nonce);
        XChaCha20Poly1305.Seal(contentKey, nonce, plain, default, sealedChunk);
    }

    /// <summary>Opens chunk <paramref name="index"/> into <paramref name="plain"/>; false when it fails authentication.</summary>
    public static bool TryOpenChunk(ReadOnlySpan<byte> contentKey, long index, bool last, ReadOnlySpan<byte> sealedChunk, Span<byte> plain)
    {
        if (sealedChunk.Length < XChaCha20Poly1305.TagSize || sealedChunk.Length > SealedChunkSize || (!last && sealedChunk.Length != SealedChunkSize)
            || (last && sealedChunk.Length == SealedChunkSize))
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
        Nonce(index, last, nonce);
        return XChaCha20Poly1305.TryOpen(contentKey, nonce, sealedChunk, default, plain[..(sealedChunk.Length - XChaCha20Poly1305.TagSize)]);
    }

    /// <summary>Seals all of <paramref name="plaintext"/> to <paramref name="output"/>; returns the payload's length.</summary>
    public static async Task<long> SealAsync(Stream plaintext, Stream output, ReadOnlyMemory<byte> contentKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        var plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(SealedChunkSize);
        try
        {
            long written = 0;
            for (long index = 0; ; index++)
            {
                var read = await plaintext.ReadAtLeastAsync(plain.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var last = read < ChunkSize;
                SealChunk(contentKey.Span, index, last, plain.AsSpan(0, read), sealedChunk.AsSpan(0, read + XChaCha20Poly1305.TagSize));
                await output.WriteAsync(sealedChunk.AsMemory(0, read + XChaCha20Poly1305.TagSize), cancellationToken).ConfigureAwait(false);
                written += read + XChaCha20Poly1305.TagSize;
                if (last)
                {
                    return written;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk);
        }
    }

    /// <summary>
    /// Opens the rest of <paramref name="payload"/> into <paramref name="plaintext"/> chunk by chunk; false at the first
    /// chunk that fails authentication or when the payload is cut. Only authenticated chunks are written, but those before
    /// a failure are: a caller that must show nothing unverified opens into <see cref="Stream.Null"/> first.
    /// </summary>
    public static async Task<bool> OpenAsync(Stream payload, Stream plaintext, ReadOnlyMemory<byte> contentKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(plaintext);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(SealedChunkSize);
        var plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (long index = 0; ; index++)
            {
                var read = await payload.ReadAtLeastAsync(sealedChunk.AsMemory(0, SealedChunkSize), SealedChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var last = read < SealedChunkSize;
                if (!TryOpenChunk(contentKey.Span, index, last, sealedChunk.AsSpan(0, read), plain))
                {
                    return false;
                }

                await plaintext.WriteAsync(plain.AsMemory(0, read - XChaCha20Poly1305.TagSize), cancellationToken).ConfigureAwait(false);
                if (last)
                {
                    return true;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk);
        }
    }

    /// <summary>The 24-byte nonce of chunk <paramref name="index"/>: <c>u64(index) || u8(last) || 15 zero bytes</c>.</summary>
    private static void Nonce(long index, bool last, Span<byte> nonce)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce, index);
        nonce[8] = last ? (byte)1 : (byte)0;
    }
}
