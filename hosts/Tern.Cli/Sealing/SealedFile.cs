using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Tern.Engine.Crypto;

namespace Tern.Cli.Sealing;

/// <summary>
/// A file sealed to a recipient's X25519 public key, so the nodes carry only ciphertext (docs/CLI.md, "Sealed files"):
/// the magic <c>TERNSB01</c>, a fresh ephemeral public key, then the plaintext in 64 KiB chunks, each sealed with
/// XChaCha20-Poly1305 under key = BLAKE2b-256(key: X25519(ephemeral, recipient), "tern/sealed-file/v1" ‖ ephemeral ‖
/// recipient) and a nonce of the chunk's number (u64 LE) and a last-chunk flag, the header as associated data. The last
/// chunk is shorter than 64 KiB (empty if need be), so a cut or reordered file fails to open.
/// </summary>
internal static class SealedFile
{
    public const int ChunkSize = 64 * 1024;
    public const int HeaderSize = 8 + X25519.PublicKeySize;
    private const int SealedChunkSize = ChunkSize + XChaCha20Poly1305.TagSize;
    private static ReadOnlySpan<byte> Magic => "TERNSB01"u8;
    private static ReadOnlySpan<byte> Context => "tern/sealed-file/v1"u8;

    /// <summary>The sealed size of <paramref name="plaintextLength"/> bytes.</summary>
    public static long SealedLength(long plaintextLength) =>
        HeaderSize + ((plaintextLength / ChunkSize) + 1) * XChaCha20Poly1305.TagSize + plaintextLength;

    public static async Task SealAsync(Stream plaintext, Stream sealedOutput, ReadOnlyMemory<byte> recipientPublicKey, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        var ephemeralSecret = new byte[X25519.SecretKeySize];
        var fileKey = new byte[XChaCha20Poly1305.KeySize];
        try
        {
            SecureRandom.Fill(ephemeralSecret);
            X25519.PublicKeyFromSecret(ephemeralSecret, header.AsSpan(8));
            if (!DeriveKey(ephemeralSecret, recipientPublicKey.Span, header.AsSpan(8), recipientPublicKey.Span, fileKey))
            {
                throw new CliException("--seal-to: not a usable X25519 public key (a low-order point)");
            }

            await sealedOutput.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            var plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var sealedChunk = ArrayPool<byte>.Shared.Rent(SealedChunkSize);
            try
            {
                for (ulong index = 0; ; index++)
                {
                    var read = await plaintext.ReadAtLeastAsync(plain.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    var last = read < ChunkSize;
                    SealChunk(fileKey, index, last, header, plain.AsSpan(0, read), sealedChunk.AsSpan(0, read + XChaCha20Poly1305.TagSize));
                    await sealedOutput.WriteAsync(sealedChunk.AsMemory(0, read + XChaCha20Poly1305.TagSize), cancellationToken).ConfigureAwait(false);
                    if (last)
                    {
                        return;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(plain, clearArray: true);
                ArrayPool<byte>.Shared.Return(sealedChunk);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralSecret);
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>Opens a sealed file with the recipient's secret key; fails with <see cref="InvalidDataException"/>, writing no unverified byte.</summary>
    public static async Task OpenAsync(Stream sealedInput, Stream plaintext, ReadOnlyMemory<byte> recipientSecretKey, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        if (await sealedInput.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < HeaderSize
            || !header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a sealed file (no TERNSB01 header)");
        }

        var recipientPublic = new byte[X25519.PublicKeySize];
        X25519.PublicKeyFromSecret(recipientSecretKey.Span, recipientPublic);
        var fileKey = new byte[XChaCha20Poly1305.KeySize];
        var sealedChunk = ArrayPool<byte>.Shared.Rent(SealedChunkSize);
        var plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            if (!DeriveKey(recipientSecretKey.Span, header.AsSpan(8), header.AsSpan(8), recipientPublic, fileKey))
            {
                throw new InvalidDataException("the sealed file's ephemeral key is unusable");
            }

            for (ulong index = 0; ; index++)
            {
                var read = await sealedInput.ReadAtLeastAsync(sealedChunk.AsMemory(0, SealedChunkSize), SealedChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var last = read < SealedChunkSize;
                if (read < XChaCha20Poly1305.TagSize || !OpenChunk(fileKey, index, last, header, sealedChunk.AsSpan(0, read), plain.AsSpan(0, read - XChaCha20Poly1305.TagSize)))
                {
                    throw new InvalidDataException($"the sealed file does not open with this key (chunk {index} fails authentication, or the file was cut)");
                }

                await plaintext.WriteAsync(plain.AsMemory(0, read - XChaCha20Poly1305.TagSize), cancellationToken).ConfigureAwait(false);
                if (last)
                {
                    return;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk);
        }
    }

    private static bool DeriveKey(ReadOnlySpan<byte> ownSecret, ReadOnlySpan<byte> peerPublic, ReadOnlySpan<byte> ephemeralPublic,
        ReadOnlySpan<byte> recipientPublic, Span<byte> fileKey)
    {
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        try
        {
            if (!X25519.TryAgree(ownSecret, peerPublic, shared))
            {
                return false;
            }

            Span<byte> input = stackalloc byte[Context.Length + (2 * X25519.PublicKeySize)];
            Context.CopyTo(input);
            ephemeralPublic.CopyTo(input[Context.Length..]);
            recipientPublic.CopyTo(input[(Context.Length + X25519.PublicKeySize)..]);
            Blake2b.Hash(input, fileKey, shared);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private static void SealChunk(byte[] key, ulong index, bool last, byte[] header, ReadOnlySpan<byte> plain, Span<byte> sealedChunk)
    {
        Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
        Nonce(index, last, nonce);
        XChaCha20Poly1305.Seal(key, nonce, plain, header, sealedChunk);
    }

    private static bool OpenChunk(byte[] key, ulong index, bool last, byte[] header, ReadOnlySpan<byte> sealedChunk, Span<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
        Nonce(index, last, nonce);
        return XChaCha20Poly1305.TryOpen(key, nonce, sealedChunk, header, plain);
    }

    private static void Nonce(ulong index, bool last, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, index);
        nonce[8] = last ? (byte)1 : (byte)0;
    }
}
