using System.Buffers;
using Tern.Cli.Sealing;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Envelopes;

/// <summary>
/// The message blob the CLI sends (docs/PROTOCOL.md §15.2): one slot, the sender's signed envelope (§15.1) sealed to
/// the recipient's agreement key, then the payload. The payload is the file sealed to the same key as a chunked
/// XChaCha20-Poly1305 stream (<see cref="SealedFile"/>), so only the recipient reads either; the envelope signs the
/// payload's size and payload hash (§4.8), which the recipient checks before opening it.
/// </summary>
internal static class SignedMessage
{
    /// <summary>Seals <paramref name="plaintext"/> to <paramref name="recipientAgreement"/> into a private temporary file; its size and payload hash.</summary>
    public static async Task<(string Path, long Size, Bytes32 Hash)> SealPayloadAsync(Stream plaintext, byte[] recipientAgreement, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tern-sealed-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var output = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await using (output.ConfigureAwait(false))
        {
            await SealedFile.SealAsync(plaintext, output, recipientAgreement, cancellationToken).ConfigureAwait(false);
            output.Position = 0;
            var (size, hash) = await HashAsync(output, cancellationToken).ConfigureAwait(false);
            return (path, size, hash);
        }
    }

    /// <summary>The payload hash (§4.8) of the rest of <paramref name="stream"/>, and how many bytes that was.</summary>
    public static async Task<(long Size, Bytes32 Hash)> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hasher = new PayloadHasher();
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }

            return (hasher.Length, hasher.Finish());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The blob's head: the envelope for this message, signed by the sender and sealed to the recipient (§15.1–15.2).</summary>
    public static byte[] Head(UserKeyFile sender, UserKeyRecord senderRecord, MessageId messageId, RecipientHash recipientHash, byte[] recipientAgreement,
        long transitExpiryMs, long payloadSize, Bytes32 payloadHash, string mimeType, EnvelopeFlags flags)
    {
        var envelope = new SignedEnvelope(flags, messageId, default, recipientHash, senderRecord.Fingerprint, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            transitExpiryMs, payloadSize, payloadHash, senderRecord.Address, mimeType);
        var signed = new byte[envelope.EncodedLength];
        using (var key = sender.SigningKey())
        {
            envelope.Sign(key, senderRecord, signed);
        }

        var slot = new byte[signed.Length + EnvelopeSeal.Overhead];
        EnvelopeSeal.Seal(signed, recipientAgreement, slot);
        return MessageBlob.EncodeHead([slot]);
    }
}
