using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Tests.Protocol;

/// <summary>The custody offer and answer codecs (docs/PROTOCOL.md §10.2–§10.3) against hostile bytes, and the sender's receipt check (§10.5).</summary>
public sealed class CustodyCodecTests : IDisposable
{
    private readonly DomainKeySet _sender = DomainKeySet.Generate("a.example");
    private readonly DomainKeySet _gateway = DomainKeySet.Generate("g.example");

    public void Dispose()
    {
        _sender.Dispose();
        _gateway.Dispose();
    }

    [Fact]
    public void Every_prefix_and_every_single_byte_change_of_an_offer_is_refused_without_throwing()
    {
        var bytes = Sign(Offer(recipients: 3));
        Assert.True(CustodyOffer.TryParse(bytes, out _, out _));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(CustodyOffer.TryParse(bytes.AsSpan(0, length), out var offer, out var error));
            Assert.Null(offer);
            Assert.NotEqual(CustodyOfferError.None, error);
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= 0x40;
            Assert.False(CustodyOffer.TryParse(changed, out _, out _), $"a change at byte {i} went unnoticed");
        }
    }

    [Fact]
    public void The_largest_offer_round_trips_and_one_recipient_more_is_refused()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61);
        Assert.Equal(DomainName.MaxLength, domain.Length);
        var offer = Offer(recipients: CustodyOffer.MaxRecipients, recipientDomain: domain, mime: new string('m', CustodyOffer.MaxMimeHint));
        var bytes = Sign(offer);
        Assert.True(CustodyOffer.TryParse(bytes, out var parsed, out var error), error.ToString());
        Assert.Equal(offer.RecipientHashes, parsed!.RecipientHashes);
        Assert.Equal(CustodyOffer.FixedSize + (1 + 9) + (1 + 253) + (1 + 9) + (1 + CustodyOffer.MaxMimeHint) + 2 + (1000 * 32) + 64, bytes.Length);
        Assert.Throws<InvalidOperationException>(() => Sign(Offer(recipients: CustodyOffer.MaxRecipients + 1)));
    }

    [Fact]
    public void Sign_refuses_what_would_not_verify()
    {
        Assert.Throws<ArgumentException>(() => Offer(1).Sign(_gateway, new byte[4096]));
        Assert.Throws<InvalidOperationException>(() => Sign(Offer(1, mime: "text/plain\n")));
        Assert.Throws<InvalidOperationException>(() => Sign(Offer(1, requestedExpiryMs: 1_799_000_000_000)));
    }

    [Fact]
    public void Answers_round_trip_and_their_prefixes_are_refused()
    {
        var receipt = Receipt(Offer(1), _gateway, honouredExpiry: null);
        CustodyAnswer[] answers = [CustodyAnswer.Accepted(receipt), CustodyAnswer.InProgress(2500), CustodyAnswer.Declined(CustodyDeclineReason.Policy, "not from you\u00e9")];
        foreach (var answer in answers)
        {
            var bytes = answer.ToArray();
            Assert.True(CustodyAnswer.TryParse(bytes, out var parsed, out var error), error.ToString());
            Assert.Equal((answer.Status, answer.RetryAfterMs, answer.Reason, answer.Detail), (parsed.Status, parsed.RetryAfterMs, parsed.Reason, parsed.Detail));
            Assert.Equal(answer.Receipt.ToArray(), parsed.Receipt.ToArray());
            for (var length = 0; length < bytes.Length - (answer.Status == CustodyAnswerStatus.Accepted ? 17 : 0); length++)
            {
                Assert.False(CustodyAnswer.TryParse(bytes.AsSpan(0, length), out _, out _), $"{answer.Status}: prefix of {length}");
            }
        }

        Assert.Equal("not from you?", answers[2].Detail);
        Assert.Equal(255, CustodyAnswer.Declined(CustodyDeclineReason.Full, new string('x', 400)).Detail.Length);
        Assert.True(CustodyAnswer.IsTransient(CustodyDeclineReason.Full) && CustodyAnswer.IsTransient(CustodyDeclineReason.FetchFailed) && CustodyAnswer.IsTransient(CustodyDeclineReason.SenderUnknown));
        Assert.False(CustodyAnswer.IsTransient(CustodyDeclineReason.Expiry) || CustodyAnswer.IsTransient(CustodyDeclineReason.Policy) || CustodyAnswer.IsTransient(CustodyDeclineReason.TooLarge) || CustodyAnswer.IsTransient(CustodyDeclineReason.BadOffer));
    }

    [Fact]
    public void The_sender_accepts_only_a_receipt_that_verifies_under_the_gateways_key_and_matches_its_offer()
    {
        var offer = Offer(2);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(offer.OfferedAtMs + 5_000);
        Bytes32[] keys = [new Bytes32(_gateway.SigningPublicKey)];
        using var impostor = DomainKeySet.Generate("g.example");

        Assert.Equal(ReceiptVerdict.Valid, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, null), keys, now, out _));
        Assert.Equal(ReceiptVerdict.Valid, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, offer.RequestedExpiryMs + 1), keys, now, out _));
        Assert.Equal(ReceiptVerdict.WrongKey, CustodyReceiptCheck.Check(offer, Receipt(offer, impostor, null), keys, now, out _));
        Assert.Equal(ReceiptVerdict.ExpiryTooShort, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, offer.RequestedExpiryMs - 1), keys, now, out _));
        Assert.Equal(ReceiptVerdict.FieldMismatch, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, null, r => r with { RecipientDomain = "c.example" }), keys, now, out _));
        Assert.Equal(ReceiptVerdict.FieldMismatch, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, null, r => r with { PayloadSize = r.PayloadSize + 1 }), keys, now, out _));
        Assert.Equal(ReceiptVerdict.FieldMismatch, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, null, r => r with { MessageId = MessageId.NewRandom() }), keys, now, out _));
        Assert.Equal(ReceiptVerdict.AcceptedInFuture, CustodyReceiptCheck.Check(offer, Receipt(offer, _gateway, null, r => r with { AcceptedAtMs = now.ToUnixTimeMilliseconds() + 121_000 }), keys, now, out _));
        var altered = Receipt(offer, _gateway, null);
        altered[70] ^= 1;
        Assert.Equal(ReceiptVerdict.Malformed, CustodyReceiptCheck.Check(offer, altered, keys, now, out _));
    }

    private CustodyOffer Offer(int recipients, string recipientDomain = "b.example", string mime = "message/tern", long requestedExpiryMs = 1_800_000_000_000) => new()
    {
        MessageId = MessageId.NewRandom(),
        TransferCapability = FetchCapability.NewRandom(),
        PayloadHash = Bytes32.Random(),
        PayloadSize = 123_456,
        RequestedExpiryMs = requestedExpiryMs,
        OfferedAtMs = 1_799_000_000_000,
        SenderSigningKey = new Bytes32(_sender.SigningPublicKey),
        SenderDomain = "a.example",
        RecipientDomain = recipientDomain,
        GatewayDomain = "g.example",
        MimeHint = mime,
        RecipientHashes = [.. Enumerable.Range(0, recipients).Select(_ => RecipientHash.NewRandom())],
    };

    private byte[] Sign(CustodyOffer offer)
    {
        var bytes = new byte[offer.EncodedLength];
        Assert.Equal(bytes.Length, offer.Sign(_sender, bytes));
        return bytes;
    }

    private static byte[] Receipt(CustodyOffer offer, DomainKeySet signer, long? honouredExpiry, Func<ResponsibilityReceipt, ResponsibilityReceipt>? change = null)
    {
        var receipt = new ResponsibilityReceipt(offer.MessageId, offer.PayloadHash, offer.PayloadSize, offer.OfferedAtMs + 1_000, honouredExpiry ?? offer.RequestedExpiryMs,
            new Bytes32(signer.SigningPublicKey), offer.RecipientDomain, signer.Domain);
        receipt = change?.Invoke(receipt) ?? receipt;
        var bytes = new byte[receipt.EncodedLength];
        receipt.Sign(signer, bytes);
        return bytes;
    }
}
