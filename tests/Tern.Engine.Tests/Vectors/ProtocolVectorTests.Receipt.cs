using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Tests.Vectors;

/// <summary>receipt.json (docs/PROTOCOL.md §10).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Receipt_encodes_and_signs_from_its_fields()
    {
        var vector = VectorDocument.Load("receipt.json");
        var fields = vector["receipt"]!;
        // The receipt uses only the identity key; the agreement secret is irrelevant to it.
        using var gateway = DomainKeySet.FromSecrets(vector["gateway_domain"].Text(), vector["gateway_signing_seed"].Hex(), new byte[X25519.SecretKeySize], DateTimeOffset.UnixEpoch);
        Assert.Equal(vector["gateway_signing_public"].Hex(), gateway.SigningPublicKey.ToArray());
        Assert.Equal(ResponsibilityReceipt.Version, fields["version"].Int32());

        var receipt = ReceiptFrom(fields);
        var bytes = new byte[receipt.EncodedLength];
        Assert.Equal(bytes.Length, receipt.Sign(gateway, bytes));
        Assert.Equal(vector["bytes"].Hex(), bytes);

        // §10 by hand: the fields, then Ed25519 over "tern/v1/receipt\n" || those bytes.
        var body = SpecLayout.ReceiptBody(fields);
        byte[] signedMessage = [.. "tern/v1/receipt\n"u8, .. body];
        Assert.Equal(vector["signed_message"].Hex(), signedMessage);
        using var secretKey = Ed25519.ImportSeed(vector["gateway_signing_seed"].Hex());
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(secretKey, vector["signed_message"].Hex(), signature);
        Assert.Equal(vector["signature"].Hex(), signature);
        byte[] receiptBytes = [.. body, .. signature];
        Assert.Equal(vector["bytes"].Hex(), receiptBytes);
    }

    [Fact]
    public void Receipt_parses_verifies_and_decodes_to_its_fields()
    {
        var vector = VectorDocument.Load("receipt.json");

        Assert.True(ResponsibilityReceipt.TryParse(vector["bytes"].Hex(), out var receipt, out var error), error.ToString());
        Assert.Equal(ReceiptFrom(vector["receipt"]!), receipt);
        Assert.Equal(new Bytes32(vector["gateway_signing_public"].Hex()), receipt.GatewaySigningKey);
        Assert.True(Ed25519.Verify(vector["gateway_signing_public"].Hex(), vector["signed_message"].Hex(), vector["signature"].Hex()));

        var tampered = vector["bytes"].Hex();
        tampered[70] ^= 1;
        Assert.False(ResponsibilityReceipt.TryParse(tampered, out _, out error));
        Assert.Equal(ReceiptError.BadSignature, error);
    }

    private static ResponsibilityReceipt ReceiptFrom(JsonNode fields) => new(
        new MessageId(fields["message_id"].Hex()),
        new Bytes32(fields["payload_hash"].Hex()),
        fields["payload_size"].Int64(),
        fields["accepted_at"].Int64(),
        fields["honoured_expiry"].Int64(),
        new Bytes32(fields["gateway_signing_key"].Hex()),
        fields["recipient_domain"].Text(),
        fields["gateway_domain"].Text());
}
