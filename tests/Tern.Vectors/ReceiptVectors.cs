using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Receipts;

namespace Tern.Vectors;

/// <summary>receipt.json: a responsibility receipt signed by the gateway gw.example.</summary>
internal static class ReceiptVectors
{
    public const string FileName = "receipt.json";

    /// <summary>Five seconds after the notification was sent.</summary>
    public const long AcceptedAtMs = VectorInputs.SentAtMs + 5_000;

    /// <summary>Fourteen days after acceptance: longer than the sender's own expiry, as §10 allows.</summary>
    public const long HonouredExpiryMs = AcceptedAtMs + 14 * 86_400_000L;

    private const string Description =
        "Responsibility receipt (PROTOCOL.md §10) by the gateway gw.example for the blob of fetch-frames.json, toward recipient "
        + "domain b.example. \"signed_message\" is \"tern/v1/receipt\\n\" || every byte before the signature; \"signature\" is "
        + "Ed25519 of it with the gateway's signing key (deterministic); \"bytes\" is the whole receipt. Times in ms since the "
        + "epoch; bytes lower-case hex.";

    public static VectorFile Build(VectorKeys keys)
    {
        var receipt = new ResponsibilityReceipt(
            VectorInputs.ReceiptMessageId,
            VectorInputs.BlobHash,
            VectorInputs.Blob.Length,
            AcceptedAtMs,
            HonouredExpiryMs,
            new Bytes32(keys.Gateway.SigningPublicKey),
            VectorInputs.DomainB,
            keys.Gateway.Domain);
        var bytes = new byte[receipt.EncodedLength];
        if (receipt.Sign(keys.Gateway, bytes) != bytes.Length)
        {
            throw new InvalidOperationException("The receipt's length must be what EncodedLength said.");
        }

        var body = bytes[..^Ed25519.SignatureSize];
        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("gateway_domain", keys.Gateway.Domain);
            json.WriteHex("gateway_signing_seed", VectorInputs.GatewaySigningSeed);
            json.WriteHex("gateway_signing_public", keys.Gateway.SigningPublicKey);

            json.WriteStartObject("receipt");
            json.WriteNumber("version", ResponsibilityReceipt.Version);
            json.WriteHex("message_id", receipt.MessageId.Value.ToArray());
            json.WriteHex("payload_hash", receipt.PayloadHash.ToArray());
            json.WriteNumber("payload_size", receipt.PayloadSize);
            json.WriteNumber("accepted_at", receipt.AcceptedAtMs);
            json.WriteNumber("honoured_expiry", receipt.HonouredExpiryMs);
            json.WriteHex("gateway_signing_key", receipt.GatewaySigningKey.ToArray());
            json.WriteString("recipient_domain", receipt.RecipientDomain);
            json.WriteString("gateway_domain", receipt.GatewayDomain);
            json.WriteEndObject();

            json.WriteHex("signed_message", [.. ResponsibilityReceipt.SignatureContext, .. body]);
            json.WriteHex("signature", bytes.AsSpan(body.Length));
            json.WriteHex("bytes", bytes);
        });
    }
}
