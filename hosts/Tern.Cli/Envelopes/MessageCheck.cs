using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;

namespace Tern.Cli.Envelopes;

/// <summary>
/// What the recipient's client verifies before it shows a message (docs/PROTOCOL.md §15.4, docs/C2S.md §16), in the
/// spec's order: a slot opens with the user's agreement key; the sender's domain publishes the record the envelope
/// names, signed by that domain's key, valid and not revoked; the signature; the recipient hash; the payload's size
/// and hash; the payload decrypting under the slot's content key. The first failure is the verdict, with its reason.
/// </summary>
internal static class MessageCheck
{
    /// <summary>The verdict, the envelope when one opened, where the payload starts, and a reason for the user.</summary>
    public sealed record Outcome(EnvelopeVerdict Verdict, SignedEnvelope Envelope, long PayloadOffset, string Reason);

    public static async Task<Outcome> VerifyAsync(string blobPath, UserKeyFile keys, RecipientHash filedUnder,
        Func<string, Task<KeyLookups.Found>> lookup, CancellationToken cancellationToken)
    {
        var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (blob.ConfigureAwait(false))
        {
            var head = new byte[(int)Math.Min(blob.Length, MessageBlob.MaxHeadSize)];
            await blob.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
            var slots = new List<Range>();
            if (!MessageBlob.TryReadHead(head, slots, out var payloadOffset))
            {
                return new Outcome(EnvelopeVerdict.Malformed, default, 0, "the blob does not start with a message head (docs/PROTOCOL.md §15.2)");
            }

            var opened = new byte[SignedEnvelope.MaxSize];
            var length = -1;
            foreach (var slot in slots)
            {
                if (EnvelopeSeal.TryOpen(keys.AgreementSecret, head.AsSpan(slot), opened, out var written))
                {
                    length = written;
                    break;
                }
            }

            if (length < 0)
            {
                return new Outcome(EnvelopeVerdict.Malformed, default, 0, "no envelope slot opens with this key: the message is not sealed to you");
            }

            var envelopeBytes = opened.AsMemory(0, length);
            if (!SignedEnvelope.TryParse(envelopeBytes.Span, out var parsed, out _, out var error))
            {
                return new Outcome(EnvelopeVerdict.Malformed, default, 0, $"the envelope is malformed ({error})");
            }

            KeyLookups.Found sender;
            try
            {
                sender = await lookup(parsed.SenderAddress).ConfigureAwait(false);
            }
            catch (CliException e)
            {
                return new Outcome(EnvelopeVerdict.UnknownSenderKey, parsed, 0, $"the key records of {parsed.SenderAddress} could not be fetched: {e.Message}");
            }

            var verdict = EnvelopeVerification.Verify(envelopeBytes.Span, sender.Bundle, sender.DomainSigningKey, filedUnder,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var envelope, out _);
            if (verdict != EnvelopeVerdict.Valid)
            {
                return new Outcome(verdict, parsed, 0, Reason(verdict, parsed.SenderAddress));
            }

            blob.Position = payloadOffset;
            var (size, hash) = await SignedMessage.HashAsync(blob, cancellationToken).ConfigureAwait(false);
            verdict = EnvelopeVerification.CheckPayload(envelope, size, hash);
            if (verdict == EnvelopeVerdict.Valid && envelope.PayloadCipher != PayloadCipher.None)
            {
                // §15.4 step 7: every chunk authenticates under the slot's content key before a byte is shown; a sender
                // that signed another key than the payload's is caught here, not halfway through the output.
                blob.Position = payloadOffset;
                var key = envelope.ContentKey.ToArray();
                try
                {
                    if (!await PayloadEncryption.OpenAsync(blob, Stream.Null, key, cancellationToken).ConfigureAwait(false))
                    {
                        verdict = EnvelopeVerdict.PayloadUndecryptable;
                    }
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
                }
            }

            return new Outcome(verdict, envelope, payloadOffset, verdict == EnvelopeVerdict.Valid ? "verified" : Reason(verdict, envelope.SenderAddress));
        }
    }

    private static string Reason(EnvelopeVerdict verdict, string sender) => verdict switch
    {
        EnvelopeVerdict.UnknownSenderKey => $"{sender}'s domain publishes no record with the key that signed this envelope",
        EnvelopeVerdict.KeyRecordWrongDomain => $"the record is not signed by {sender}'s domain key",
        EnvelopeVerdict.KeyRecordWrongAddress => $"the record is not {sender}'s",
        EnvelopeVerdict.KeyRecordNotYetValid => $"{sender}'s record is not valid yet",
        EnvelopeVerdict.KeyRecordExpired => $"{sender}'s record has expired",
        EnvelopeVerdict.KeyRecordRevoked => $"{sender}'s record that signed this envelope is revoked",
        EnvelopeVerdict.BadSignature => $"the envelope's signature does not verify with {sender}'s key: forged or altered",
        EnvelopeVerdict.WrongRecipient => "the envelope names another recipient hash than the one the message arrived under",
        EnvelopeVerdict.PayloadMismatch => "the payload's size or hash is not the one the sender signed",
        EnvelopeVerdict.PayloadUndecryptable => "the payload does not decrypt with the content key in your envelope (the sender signed a key that is not the payload's)",
        _ => verdict.ToString(),
    };
}
