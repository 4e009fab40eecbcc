using System.Text;
using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;

namespace Tern.Engine.Tests.Vectors;

/// <summary>custody.json (docs/PROTOCOL.md §10.2–§10.3).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Custody_offer_encodes_and_signs_from_its_fields()
    {
        var vector = VectorDocument.Load("custody.json");
        var fields = vector["offer"]!;
        using var sender = VectorDocument.DomainKeys(vector["sender_domain"].Text());
        Assert.Equal(vector["sender_signing_public"].Hex(), sender.SigningPublicKey.ToArray());

        var offer = OfferFrom(fields);
        var bytes = new byte[offer.EncodedLength];
        Assert.Equal(bytes.Length, offer.Sign(sender, bytes));
        Assert.Equal(vector["bytes"].Hex(), bytes);

        // §10.2 by hand: the fields in order, then Ed25519 over "tern/v1/offer\n" || those bytes.
        byte[] body =
        [
            (byte)fields["version"].Int32(),
            .. fields["message_id"].Hex(),
            .. fields["transfer_capability"].Hex(),
            .. fields["payload_hash"].Hex(),
            .. U64(fields["payload_size"].Int64()),
            .. U64(fields["requested_expiry"].Int64()),
            .. U64(fields["offered_at"].Int64()),
            .. fields["sender_signing_key"].Hex(),
            .. SpecLayout.Short(fields["sender_domain"].Text()),
            .. SpecLayout.Short(fields["recipient_domain"].Text()),
            .. SpecLayout.Short(fields["gateway_domain"].Text()),
            .. SpecLayout.Short(fields["mime_hint"].Text()),
            .. U16(fields["recipient_hashes"].Array().Count),
            .. fields["recipient_hashes"].Array().SelectMany(h => h.Hex()),
        ];
        byte[] signedMessage = [.. "tern/v1/offer\n"u8, .. body];
        Assert.Equal(vector["signed_message"].Hex(), signedMessage);
        using var secretKey = Ed25519.ImportSeed(vector["sender_signing_seed"].Hex());
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(secretKey, signedMessage, signature);
        Assert.Equal(vector["signature"].Hex(), signature);
        byte[] whole = [.. body, .. signature];
        Assert.Equal(vector["bytes"].Hex(), whole);
    }

    [Fact]
    public void Custody_offer_parses_to_its_fields()
    {
        var vector = VectorDocument.Load("custody.json");
        Assert.True(CustodyOffer.TryParse(vector["bytes"].Hex(), out var offer, out var error), error.ToString());
        var expected = OfferFrom(vector["offer"]!);
        Assert.Equal(expected.MessageId, offer!.MessageId);
        Assert.Equal(expected.TransferCapability, offer.TransferCapability);
        Assert.Equal(expected.PayloadHash, offer.PayloadHash);
        Assert.Equal(expected.PayloadSize, offer.PayloadSize);
        Assert.Equal(expected.RequestedExpiryMs, offer.RequestedExpiryMs);
        Assert.Equal(expected.OfferedAtMs, offer.OfferedAtMs);
        Assert.Equal(expected.SenderSigningKey, offer.SenderSigningKey);
        Assert.Equal(expected.SenderDomain, offer.SenderDomain);
        Assert.Equal(expected.RecipientDomain, offer.RecipientDomain);
        Assert.Equal(expected.GatewayDomain, offer.GatewayDomain);
        Assert.Equal(expected.MimeHint, offer.MimeHint);
        Assert.Equal(expected.RecipientHashes, offer.RecipientHashes);
    }

    [Fact]
    public void Custody_offer_verdicts_are_reached()
    {
        foreach (var entry in VectorDocument.Load("custody.json")["offer_verdicts"].Array())
        {
            _ = CustodyOffer.TryParse(entry!["bytes"].Hex(), out _, out var error);
            var verdict = error == CustodyOfferError.None ? "valid" : Snake(error.ToString());
            Assert.True(entry["verdict"].Text() == verdict, $"{entry["name"].Text()}: expected {entry["verdict"].Text()}, got {verdict}");
        }
    }

    [Fact]
    public void Custody_answers_decode_and_the_accepted_receipt_answers_the_offer()
    {
        var vector = VectorDocument.Load("custody.json");
        var answers = vector["answers"]!;
        Assert.True(CustodyOffer.TryParse(vector["bytes"].Hex(), out var offer, out _));

        Assert.True(CustodyAnswer.TryParse(answers["accepted"].Hex(), out var accepted, out var error), error.ToString());
        Assert.Equal(CustodyAnswerStatus.Accepted, accepted.Status);
        Assert.Equal(answers["receipt"].Hex(), accepted.Receipt.ToArray());
        var gatewayKey = new Bytes32(vector["gateway_signing_public"].Hex());
        var now = DateTimeOffset.FromUnixTimeMilliseconds(offer!.OfferedAtMs + 60_000);
        Assert.Equal(ReceiptVerdict.Valid, CustodyReceiptCheck.Check(offer, accepted.Receipt.Span, [gatewayKey], now, out var receipt));
        Assert.Equal(offer.RequestedExpiryMs, receipt.HonouredExpiryMs);
        Assert.Equal(answers["accepted"].Hex(), CustodyAnswer.Accepted(answers["receipt"].Hex()).ToArray());

        Assert.True(CustodyAnswer.TryParse(answers["in_progress_1000ms"].Hex(), out var waiting, out _));
        Assert.Equal((CustodyAnswerStatus.InProgress, 1000u), (waiting.Status, waiting.RetryAfterMs));
        Assert.Equal(answers["in_progress_1000ms"].Hex(), CustodyAnswer.InProgress(1000).ToArray());

        Assert.True(CustodyAnswer.TryParse(answers["declined_expiry"].Hex(), out var declined, out _));
        Assert.Equal(CustodyDeclineReason.Expiry, declined.Reason);
        Assert.StartsWith("requested expiry", declined.Detail, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 2, 2, 0 }, answers["declined_full"].Hex());
    }

    [Fact]
    public void Custody_answer_verdicts_are_reached()
    {
        foreach (var entry in VectorDocument.Load("custody.json")["answer_verdicts"].Array())
        {
            _ = CustodyAnswer.TryParse(entry!["bytes"].Hex(), out _, out var error);
            var verdict = error == CustodyAnswerError.None ? "valid" : Snake(error.ToString());
            Assert.True(entry["verdict"].Text() == verdict, $"{entry["name"].Text()}: expected {entry["verdict"].Text()}, got {verdict}");
        }
    }

    private static CustodyOffer OfferFrom(JsonNode fields) => new()
    {
        MessageId = new MessageId(fields["message_id"].Hex()),
        TransferCapability = new FetchCapability(fields["transfer_capability"].Hex()),
        PayloadHash = new Bytes32(fields["payload_hash"].Hex()),
        PayloadSize = fields["payload_size"].Int64(),
        RequestedExpiryMs = fields["requested_expiry"].Int64(),
        OfferedAtMs = fields["offered_at"].Int64(),
        SenderSigningKey = new Bytes32(fields["sender_signing_key"].Hex()),
        SenderDomain = fields["sender_domain"].Text(),
        RecipientDomain = fields["recipient_domain"].Text(),
        GatewayDomain = fields["gateway_domain"].Text(),
        MimeHint = fields["mime_hint"].Text(),
        RecipientHashes = [.. fields["recipient_hashes"].Array().Select(h => new RecipientHash(h.Hex()))],
    };

    private static string Snake(string pascal)
    {
        var text = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
