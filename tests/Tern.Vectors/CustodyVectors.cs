using System.Buffers.Binary;
using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Vectors;

/// <summary>
/// custody.json (docs/PROTOCOL.md §10.2–§10.3): a.example's offer to the gateway gw.example of the blob of
/// fetch-frames.json for two recipients at b.example, the gateway's three kinds of answer (accepted with the receipt that
/// answers the offer, in_progress, declined), and offers and answers that are not well-formed, each with its verdict.
/// The verdicts are written from the spec; the tests check that the engine agrees.
/// </summary>
internal static class CustodyVectors
{
    public const string FileName = "custody.json";

    /// <summary>Four seconds after the notification vectors' sent_at.</summary>
    public const long OfferedAtMs = VectorInputs.SentAtMs + 4_000;

    /// <summary>The gateway commits a second later.</summary>
    public const long AcceptedAtMs = OfferedAtMs + 1_000;

    private const string Description =
        "Custody transfer (PROTOCOL.md §10.2-§10.3). \"offer\": a.example offers the blob of fetch-frames.json, for two "
        + "recipient hashes at b.example, to the gateway gw.example; \"signed_message\" is \"tern/v1/offer\\n\" || every byte "
        + "before the signature, signed with a.example's signing key (keys.json; deterministic). \"answers\": the accepted "
        + "answer carries the receipt (§10.1) gw.example signs for this offer (honoured_expiry = requested_expiry); then "
        + "in_progress and declined. \"offer_verdicts\" and \"answer_verdicts\": bytes and the verdict a reader must reach "
        + "(\"valid\" or the first rule broken, in the order of §10.2's checks). Times in ms since the epoch; bytes lower-case hex.";

    public static CustodyOffer Offer(VectorKeys keys) => new()
    {
        MessageId = VectorInputs.ReceiptMessageId,
        TransferCapability = new FetchCapability(VectorInputs.Run(0x3c)),
        PayloadHash = VectorInputs.BlobHash,
        PayloadSize = VectorInputs.Blob.Length,
        RequestedExpiryMs = VectorInputs.TransitExpiryMs,
        OfferedAtMs = OfferedAtMs,
        SenderSigningKey = new Bytes32(keys.A.SigningPublicKey),
        SenderDomain = VectorInputs.DomainA,
        RecipientDomain = VectorInputs.DomainB,
        GatewayDomain = VectorInputs.GatewayDomain,
        MimeHint = "message/tern",
        RecipientHashes = [new RecipientHash(VectorInputs.Run(0x14)), new RecipientHash(VectorInputs.Run(0x34))],
    };

    public static VectorFile Build(VectorKeys keys)
    {
        var offer = Offer(keys);
        var bytes = new byte[offer.EncodedLength];
        if (offer.Sign(keys.A, bytes) != bytes.Length)
        {
            throw new InvalidOperationException("The offer's length must be what EncodedLength said.");
        }

        var receipt = new ResponsibilityReceipt(offer.MessageId, offer.PayloadHash, offer.PayloadSize, AcceptedAtMs, offer.RequestedExpiryMs,
            new Bytes32(keys.Gateway.SigningPublicKey), offer.RecipientDomain, keys.Gateway.Domain);
        var receiptBytes = new byte[receipt.EncodedLength];
        receipt.Sign(keys.Gateway, receiptBytes);

        var body = bytes[..^Ed25519.SignatureSize];
        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("sender_domain", keys.A.Domain);
            json.WriteHex("sender_signing_seed", VectorInputs.SigningSeedA);
            json.WriteHex("sender_signing_public", keys.A.SigningPublicKey);
            json.WriteString("gateway_domain", keys.Gateway.Domain);
            json.WriteHex("gateway_signing_seed", VectorInputs.GatewaySigningSeed);
            json.WriteHex("gateway_signing_public", keys.Gateway.SigningPublicKey);

            json.WriteStartObject("offer");
            json.WriteNumber("version", CustodyOffer.Version);
            json.WriteHex("message_id", offer.MessageId.Value.ToArray());
            json.WriteHex("transfer_capability", offer.TransferCapability.Value.ToArray());
            json.WriteHex("payload_hash", offer.PayloadHash.ToArray());
            json.WriteNumber("payload_size", offer.PayloadSize);
            json.WriteNumber("requested_expiry", offer.RequestedExpiryMs);
            json.WriteNumber("offered_at", offer.OfferedAtMs);
            json.WriteHex("sender_signing_key", offer.SenderSigningKey.ToArray());
            json.WriteString("sender_domain", offer.SenderDomain);
            json.WriteString("recipient_domain", offer.RecipientDomain);
            json.WriteString("gateway_domain", offer.GatewayDomain);
            json.WriteString("mime_hint", offer.MimeHint);
            json.WriteStartArray("recipient_hashes");
            foreach (var hash in offer.RecipientHashes)
            {
                json.WriteStringValue(Convert.ToHexStringLower(hash.Value.ToArray()));
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteHex("signed_message", [.. CustodyOffer.SignatureContext, .. body]);
            json.WriteHex("signature", bytes.AsSpan(body.Length));
            json.WriteHex("bytes", bytes);

            json.WriteStartObject("answers");
            json.WriteHex("receipt", receiptBytes);
            json.WriteHex("accepted", CustodyAnswer.Accepted(receiptBytes).ToArray());
            json.WriteHex("in_progress_1000ms", CustodyAnswer.InProgress(1000).ToArray());
            json.WriteHex("declined_expiry", CustodyAnswer.Declined(CustodyDeclineReason.Expiry, "requested expiry is beyond the 86400 s this gateway keeps blobs").ToArray());
            json.WriteHex("declined_full", CustodyAnswer.Declined(CustodyDeclineReason.Full, "").ToArray());
            json.WriteEndObject();

            json.WriteStartArray("offer_verdicts");
            foreach (var (name, what, caseBytes, verdict) in OfferCases(bytes, keys.A))
            {
                WriteCase(json, name, what, caseBytes, verdict);
            }

            json.WriteEndArray();

            json.WriteStartArray("answer_verdicts");
            foreach (var (name, what, caseBytes, verdict) in AnswerCases(receiptBytes))
            {
                WriteCase(json, name, what, caseBytes, verdict);
            }

            json.WriteEndArray();
        });
    }

    private static void WriteCase(Utf8JsonWriter json, string name, string what, byte[] bytes, string verdict)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("what", what);
        json.WriteHex("bytes", bytes);
        json.WriteString("verdict", verdict);
        json.WriteEndObject();
    }

    /// <summary>The offer and its damaged forms; a damaged body is signed again when the case is about the body, not the signature.</summary>
    private static IEnumerable<(string, string, byte[], string)> OfferCases(byte[] offer, DomainKeySet sender)
    {
        yield return ("valid", "the offer above", offer, "valid");
        yield return ("truncated", "the last byte of the signature missing", offer[..^1], "truncated");
        yield return ("trailing_byte", "one byte after the signature", [.. offer, 0x00], "trailing_bytes");
        yield return ("version_2", "version byte 2, signed again", Resign(offer, sender, b => b[0] = 2), "unknown_version");
        yield return ("size_2_63", "payload_size 2^63, signed again", Resign(offer, sender, b => BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(97), 1UL << 63)), "value_out_of_range");
        var mimeAt = MimeOffset(offer);
        yield return ("mime_hint_control", "a control byte in the MIME hint, signed again", Resign(offer, sender, b => b[mimeAt + 1] = 0x07), "bad_mime_hint");
        var countAt = mimeAt + 1 + offer[mimeAt];
        yield return ("duplicate_recipient", "the second recipient hash equal to the first, signed again",
            Resign(offer, sender, b => b.AsSpan(countAt + 2, 32).CopyTo(b.AsSpan(countAt + 2 + 32))), "duplicate_recipient");
        yield return ("expiry_at_offer", "requested_expiry equal to offered_at, signed again",
            Resign(offer, sender, b => b.AsSpan(113, 8).CopyTo(b.AsSpan(105))), "expiry_not_after_offer");
        var flipped = (byte[])offer.Clone();
        flipped[70] ^= 1;
        yield return ("altered_hash", "one bit of payload_hash flipped after signing", flipped, "bad_signature");
    }

    private static IEnumerable<(string, string, byte[], string)> AnswerCases(byte[] receipt)
    {
        yield return ("accepted", "status 0 and the receipt", CustodyAnswer.Accepted(receipt).ToArray(), "valid");
        yield return ("empty", "no byte", [], "truncated");
        yield return ("unknown_status", "status 3", [3, 0, 0, 0, 0], "unknown_status");
        yield return ("in_progress_short", "in_progress with three bytes of retry_after", [1, 0, 0, 1], "truncated");
        yield return ("in_progress_long", "in_progress with a byte after retry_after", [1, 0, 0, 3, 0xe8, 0], "trailing_bytes");
        yield return ("declined_reason_0", "declined with reason 0", [2, 0, 0], "unknown_reason");
        yield return ("declined_reason_8", "declined with reason 8", [2, 8, 0], "unknown_reason");
        yield return ("declined_detail_control", "declined full with a detail holding a line feed", [2, 2, 2, (byte)'o', 0x0a], "bad_detail");
        yield return ("accepted_empty", "status 0 and nothing", [0], "bad_receipt_length");
    }

    private static int MimeOffset(byte[] offer)
    {
        var at = CustodyOffer.FixedSize;
        for (var i = 0; i < 3; i++)
        {
            at += 1 + offer[at];
        }

        return at;
    }

    private static byte[] Resign(byte[] offer, DomainKeySet sender, Action<byte[]> change)
    {
        var copy = (byte[])offer.Clone();
        change(copy);
        var bodyLength = copy.Length - Ed25519.SignatureSize;
        byte[] message = [.. CustodyOffer.SignatureContext, .. copy.AsSpan(0, bodyLength)];
        sender.Sign(message, copy.AsSpan(bodyLength));
        return copy;
    }
}
