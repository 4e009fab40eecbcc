using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>keys.json: two domains' key pairs and fingerprints, and the notification key of each direction.</summary>
internal static class KeyVectors
{
    public const string FileName = "keys.json";

    private const string Description =
        "Domain keys of a.example and b.example from fixed secrets: Ed25519 signing key (PROTOCOL.md §2.7) and its identity "
        + "fingerprint H(key = \"tern/v1/fingerprint\", msg = signing_public) in base64url (§6.3); X25519 agreement key; and the "
        + "per-direction notification key k(S→R) = H(key = X25519(S_secret, R_public), msg = \"tern/v1/notify\" || S_public || R_public) "
        + "(§4.3). Bytes are lower-case hex.";

    public static VectorFile Build(VectorKeys keys) => VectorJson.Document(FileName, Description, json =>
    {
        json.WriteStartArray("domains");
        WriteDomain(json, keys.A, VectorInputs.SigningSeedA, VectorInputs.AgreementSecretA);
        WriteDomain(json, keys.B, VectorInputs.SigningSeedB, VectorInputs.AgreementSecretB);
        json.WriteEndArray();

        json.WriteStartArray("notification_keys");
        WriteDirection(json, keys.A, VectorInputs.AgreementSecretA, keys.B);
        WriteDirection(json, keys.B, VectorInputs.AgreementSecretB, keys.A);
        json.WriteEndArray();
    });

    private static void WriteDomain(Utf8JsonWriter json, DomainKeySet keys, byte[] signingSeed, byte[] agreementSecret)
    {
        json.WriteStartObject();
        json.WriteString("domain", keys.Domain);
        json.WriteHex("signing_seed", signingSeed);
        json.WriteHex("signing_public", keys.SigningPublicKey);
        json.WriteHex("agreement_secret", agreementSecret);
        json.WriteHex("agreement_public", keys.AgreementPublicKey);
        json.WriteString("fingerprint", keys.Fingerprint);
        json.WriteEndObject();
    }

    private static void WriteDirection(Utf8JsonWriter json, DomainKeySet sender, byte[] senderSecret, DomainKeySet receiver)
    {
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        Span<byte> key = stackalloc byte[NotificationKey.Size];
        if (!X25519.TryAgree(senderSecret, receiver.AgreementPublicKey, shared) || !NotificationKey.TryDeriveSending(sender, receiver.AgreementPublicKey, key))
        {
            throw new InvalidOperationException("The fixed agreement keys must agree.");
        }

        json.WriteStartObject();
        json.WriteString("sender", sender.Domain);
        json.WriteString("receiver", receiver.Domain);
        json.WriteHex("shared_secret", shared);
        json.WriteHex("key", key);
        json.WriteEndObject();
    }
}
