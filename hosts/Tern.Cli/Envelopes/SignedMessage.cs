using System.Buffers;
using System.Security.Cryptography;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Envelopes;

/// <summary>
/// The message blob the CLI sends (docs/PROTOCOL.md §15.2): one slot per recipient, each the sender's signed envelope
/// (§15.1) sealed to that recipient's agreement key, then one payload for all of them: the file encrypted under a random
/// content key in 64 KiB XChaCha20-Poly1305 chunks (§15.5). Every envelope carries the content key and signs the
/// payload's size and payload hash (§4.8), which each recipient checks before decrypting.
/// </summary>
internal static class SignedMessage
{
    /// <summary>One recipient of a sealed message: the hash it is notified under and the agreement key its slot is sealed to.</summary>
    public sealed record Recipient(RecipientHash Hash, string Domain, byte[] AgreementKey, bool Escrow);

    /// <summary>A fresh content key (§15.5): one per message, never reused.</summary>
    public static byte[] NewContentKey()
    {
        var key = new byte[PayloadEncryption.KeySize];
        Tern.Engine.Crypto.SecureRandom.Fill(key);
        return key;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="contentKey"/> into a private temporary file; its size and payload hash.</summary>
    public static async Task<(string Path, long Size, Bytes32 Hash)> SealPayloadAsync(Stream plaintext, byte[] contentKey, CancellationToken cancellationToken)
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
            await PayloadEncryption.SealAsync(plaintext, output, contentKey, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The blob's head: for each recipient, the envelope of this message to its hash, signed by the sender and sealed to
    /// its key (§15.1–15.2), in the order given. Every envelope carries the same content key and payload size and hash.
    /// </summary>
    public static byte[] Head(UserKeyFile sender, UserKeyRecord senderRecord, MessageId messageId, IReadOnlyList<Recipient> recipients,
        long transitExpiryMs, long payloadSize, Bytes32 payloadHash, byte[] contentKey, string mimeType, EnvelopeFlags flags)
    {
        var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var slots = new List<byte[]>(recipients.Count);
        using var key = sender.SigningKey();
        foreach (var recipient in recipients)
        {
            var envelope = new SignedEnvelope(recipient.Escrow ? flags | EnvelopeFlags.EscrowDisclosed : flags, messageId, default, recipient.Hash,
                senderRecord.Fingerprint, sentAt, transitExpiryMs, payloadSize, payloadHash, PayloadCipher.ChunkedXChaCha20Poly1305, new Bytes32(contentKey),
                senderRecord.Address, mimeType);
            var signed = new byte[envelope.EncodedLength];
            envelope.Sign(key, senderRecord, signed);
            var slot = new byte[signed.Length + EnvelopeSeal.Overhead];
            EnvelopeSeal.Seal(signed, recipient.AgreementKey, slot);
            CryptographicOperations.ZeroMemory(signed);
            slots.Add(slot);
        }

        return MessageBlob.EncodeHead(slots);
    }
}
