using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Tests.Protocol;

public sealed class ResponsibilityReceiptTests : IDisposable
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly DomainKeySet _gateway = DomainKeySet.FromSecrets("gw.example", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32], Created);

    public void Dispose() => _gateway.Dispose();

    internal static ResponsibilityReceipt Receipt(DomainKeySet gateway, string recipientDomain = "b.example") => new(
        new MessageId(Bytes32.Parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")),
        Bytes32.Parse("ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"),
        123_456,
        1_700_000_000_000,
        1_702_592_000_000,
        new Bytes32(gateway.SigningPublicKey),
        recipientDomain,
        gateway.Domain);

    internal static byte[] Signed(ResponsibilityReceipt receipt, DomainKeySet gateway)
    {
        var bytes = new byte[receipt.EncodedLength];
        Assert.Equal(bytes.Length, receipt.Sign(gateway, bytes));
        return bytes;
    }

    [Fact]
    public void Signed_receipt_parses_back_to_the_same_fields()
    {
        var receipt = Receipt(_gateway);
        var bytes = Signed(receipt, _gateway);

        Assert.True(ResponsibilityReceipt.TryParse(bytes, out var parsed, out var error));
        Assert.Equal(ReceiptError.None, error);
        Assert.Equal(receipt, parsed);
    }

    [Fact]
    public void Layout_is_exactly_section_10()
    {
        var receipt = Receipt(_gateway);
        var bytes = Signed(receipt, _gateway);

        Assert.Equal(121 + 1 + 9 + 1 + 10 + 64, bytes.Length);
        Assert.Equal(1, bytes[0]);
        Assert.Equal(receipt.MessageId.Value.ToArray(), bytes[1..33]);
        Assert.Equal(receipt.PayloadHash.ToArray(), bytes[33..65]);
        Assert.Equal(123_456L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(65)));
        Assert.Equal(1_700_000_000_000L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(73)));
        Assert.Equal(1_702_592_000_000L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(81)));
        Assert.Equal(_gateway.SigningPublicKey.ToArray(), bytes[89..121]);
        Assert.Equal(9, bytes[121]);
        Assert.Equal("b.example"u8.ToArray(), bytes[122..131]);
        Assert.Equal(10, bytes[131]);
        Assert.Equal("gw.example"u8.ToArray(), bytes[132..142]);

        var signed = "tern/v1/receipt\n"u8.ToArray().Concat(bytes[..142]).ToArray();
        Assert.True(Ed25519.Verify(_gateway.SigningPublicKey, signed, bytes.AsSpan(142)));
    }

    [Fact]
    public void Flipping_any_bit_of_any_byte_fails()
    {
        var bytes = Signed(Receipt(_gateway), _gateway);
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF })
            {
                var tampered = (byte[])bytes.Clone();
                tampered[i] ^= mask;
                Assert.False(ResponsibilityReceipt.TryParse(tampered, out var receipt, out var error), $"byte {i} ^ 0x{mask:x2}");
                Assert.NotEqual(ReceiptError.None, error);
                Assert.Equal(default, receipt);
            }
        }
    }

    [Fact]
    public void Truncated_or_extended_receipts_fail()
    {
        var bytes = Signed(Receipt(_gateway), _gateway);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(ResponsibilityReceipt.TryParse(bytes.AsSpan(0, length).ToArray(), out _, out var error));
            Assert.Equal(ReceiptError.Truncated, error);
        }

        Assert.False(ResponsibilityReceipt.TryParse([.. bytes, 0], out _, out var trailing));
        Assert.Equal(ReceiptError.TrailingBytes, trailing);
    }

    [Fact]
    public void Longest_domains_fit_the_maximum_size()
    {
        var longest = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 61));
        Assert.Equal(DomainName.MaxLength, longest.Length);
        using var gateway = DomainKeySet.Generate(longest);
        var receipt = Receipt(gateway, longest);
        var bytes = Signed(receipt, gateway);

        Assert.Equal(ResponsibilityReceipt.MaxSize, bytes.Length);
        Assert.True(ResponsibilityReceipt.TryParse(bytes, out var parsed, out _));
        Assert.Equal(receipt, parsed);
    }

    [Fact]
    public void Sign_refuses_a_receipt_that_would_not_verify()
    {
        var buffer = new byte[ResponsibilityReceipt.MaxSize];
        using var other = DomainKeySet.Generate("gw.example");
        Assert.Throws<ArgumentException>(() => Receipt(_gateway).Sign(other, buffer));
        using var otherDomain = DomainKeySet.FromSecrets("gw2.example", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32], Created);
        Assert.Throws<ArgumentException>(() => Receipt(_gateway).Sign(otherDomain, buffer));

        Assert.Throws<InvalidOperationException>(() => (Receipt(_gateway) with { HonouredExpiryMs = 1_700_000_000_000 }).Sign(_gateway, buffer));
        Assert.Throws<InvalidOperationException>(() => (Receipt(_gateway) with { PayloadSize = -1 }).Sign(_gateway, buffer));
        Assert.Throws<InvalidOperationException>(() => Receipt(_gateway, "B.example").Sign(_gateway, buffer));
        Assert.Throws<InvalidOperationException>(() => Receipt(_gateway, "bé.example").Sign(_gateway, buffer));
        Assert.Throws<InvalidOperationException>(() => Receipt(_gateway, "").Sign(_gateway, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => Receipt(_gateway).Sign(_gateway, new byte[10]));
    }

    [Fact]
    public void Properly_signed_but_invalid_receipts_are_refused_with_their_reason()
    {
        var receipt = Receipt(_gateway);
        Assert.Equal(ReceiptError.ExpiryNotAfterAcceptance, ParseError(Raw(receipt, honouredExpiry: receipt.AcceptedAtMs)));
        Assert.Equal(ReceiptError.ExpiryNotAfterAcceptance, ParseError(Raw(receipt, honouredExpiry: receipt.AcceptedAtMs - 1)));
        Assert.Equal(ReceiptError.UnknownVersion, ParseError(Raw(receipt, version: 2)));
        Assert.Equal(ReceiptError.BadRecipientDomain, ParseError(Raw(receipt, recipientDomain: "B.example")));
        Assert.Equal(ReceiptError.BadRecipientDomain, ParseError(Raw(receipt, recipientDomain: "b..example")));
        Assert.Equal(ReceiptError.BadGatewayDomain, ParseError(Raw(receipt, gatewayDomain: "-gw.example")));
        Assert.Equal(ReceiptError.ValueOutOfRange, ParseError(Raw(receipt, payloadSize: ulong.MaxValue)));
        Assert.Equal(ReceiptError.BadSignature, ParseError(Raw(receipt, context: "")));
        Assert.Equal(ReceiptError.BadSignature, ParseError(Raw(receipt, context: "tern/v1/descriptor\n")));
        Assert.Equal(ReceiptError.None, ParseError(Raw(receipt)));
    }

    [Fact]
    public void A_receipt_signed_by_one_key_does_not_verify_under_another_embedded_key()
    {
        using var other = DomainKeySet.Generate("gw.example");
        var receipt = Receipt(_gateway) with { GatewaySigningKey = new Bytes32(other.SigningPublicKey) };
        Assert.Equal(ReceiptError.BadSignature, ParseError(Raw(receipt)));
    }

    private static ReceiptError ParseError(byte[] bytes)
    {
        var ok = ResponsibilityReceipt.TryParse(bytes, out _, out var error);
        Assert.Equal(ok, error == ReceiptError.None);
        return error;
    }

    /// <summary>A receipt laid out and signed by hand, bypassing the checks in <see cref="ResponsibilityReceipt.Sign"/>.</summary>
    private byte[] Raw(
        ResponsibilityReceipt receipt,
        byte version = 1,
        ulong? payloadSize = null,
        long? honouredExpiry = null,
        string? recipientDomain = null,
        string? gatewayDomain = null,
        string context = "tern/v1/receipt\n")
    {
        var recipient = Encoding.ASCII.GetBytes(recipientDomain ?? receipt.RecipientDomain);
        var gateway = Encoding.ASCII.GetBytes(gatewayDomain ?? receipt.GatewayDomain);
        var body = new byte[121 + 1 + recipient.Length + 1 + gateway.Length];
        body[0] = version;
        receipt.MessageId.CopyTo(body.AsSpan(1));
        receipt.PayloadHash.CopyTo(body.AsSpan(33));
        BinaryPrimitives.WriteUInt64BigEndian(body.AsSpan(65), payloadSize ?? (ulong)receipt.PayloadSize);
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(73), receipt.AcceptedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(81), honouredExpiry ?? receipt.HonouredExpiryMs);
        receipt.GatewaySigningKey.CopyTo(body.AsSpan(89));
        body[121] = (byte)recipient.Length;
        recipient.CopyTo(body, 122);
        body[122 + recipient.Length] = (byte)gateway.Length;
        gateway.CopyTo(body, 123 + recipient.Length);

        var signature = new byte[Ed25519.SignatureSize];
        _gateway.Sign(Encoding.ASCII.GetBytes(context).Concat(body).ToArray(), signature);
        return [.. body, .. signature];
    }
}
