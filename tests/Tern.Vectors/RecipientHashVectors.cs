using System.Text;
using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Vectors;

/// <summary>recipient-hash.json: the first-contact and negotiated derivations of §5, with the hashed message spelled out.</summary>
internal static class RecipientHashVectors
{
    public const string FileName = "recipient-hash.json";

    private const string Description =
        "Recipient hash (PROTOCOL.md §5). first_contact = H(key = \"tern/v1/recipient-address\", msg = 0x01 || sender_user_public || "
        + "recipient_user_public || short(recipient_domain)); negotiated = H(key = \"tern/v1/recipient-address\", msg = 0x02 || "
        + "short(shared_random) || short(recipient_domain)). User keys are Ed25519 public keys of the given seeds; \"message\" is msg "
        + "as hashed. The notification vectors file their records under these hashes. first_contact is the first edition's form, superseded "
        + "by pairwise (phase 1): H(key = \"tern/v1/recipient-address\", msg = 0x03 || X25519(own secret, peer public) || "
        + "sender_agreement_public || recipient_agreement_public || short(recipient_domain)), the same from either user's secret; "
        + "introduction = H(key = \"tern/v1/recipient-address\", msg = 0x04 || recipient_agreement_public || short(recipient_domain)). "
        + "Bytes are lower-case hex.";

    public static RecipientHash FirstContactHash
        => RecipientHashDerivation.FirstContact(PublicKey(VectorInputs.SenderUserSeed), PublicKey(VectorInputs.RecipientUserSeed), VectorInputs.DomainB);

    public static RecipientHash NegotiatedHash
        => RecipientHashDerivation.Negotiated(VectorInputs.NegotiatedSharedRandom, VectorInputs.DomainB);

    public static VectorFile Build() => VectorJson.Document(FileName, Description, json =>
    {
        var senderUser = PublicKey(VectorInputs.SenderUserSeed);
        var recipientUser = PublicKey(VectorInputs.RecipientUserSeed);
        var domain = Encoding.ASCII.GetBytes(VectorInputs.DomainB);

        json.WriteStartObject("first_contact");
        json.WriteHex("sender_user_seed", VectorInputs.SenderUserSeed);
        json.WriteHex("sender_user_public", senderUser);
        json.WriteHex("recipient_user_seed", VectorInputs.RecipientUserSeed);
        json.WriteHex("recipient_user_public", recipientUser);
        json.WriteString("recipient_domain", VectorInputs.DomainB);
        json.WriteHex("message", [0x01, .. senderUser, .. recipientUser, (byte)domain.Length, .. domain]);
        WriteHash(json, FirstContactHash);
        json.WriteEndObject();

        var shared = VectorInputs.NegotiatedSharedRandom;
        json.WriteStartObject("negotiated");
        json.WriteHex("shared_random", shared);
        json.WriteString("recipient_domain", VectorInputs.DomainB);
        json.WriteHex("message", [0x02, (byte)shared.Length, .. shared, (byte)domain.Length, .. domain]);
        WriteHash(json, NegotiatedHash);
        json.WriteEndObject();

        var senderAgreement = AgreementPublic(VectorInputs.SenderUserAgreementSecret);
        var recipientAgreement = AgreementPublic(VectorInputs.RecipientUserAgreementSecret);
        var sharedSecret = new byte[X25519.SharedSecretSize];
        if (!X25519.TryAgree(VectorInputs.SenderUserAgreementSecret, recipientAgreement, sharedSecret)
            || !RecipientHashDerivation.TryPairwise(VectorInputs.SenderUserAgreementSecret, senderAgreement, recipientAgreement, VectorInputs.DomainB, out var pairwise)
            || !RecipientHashDerivation.TryPairwise(VectorInputs.RecipientUserAgreementSecret, senderAgreement, recipientAgreement, VectorInputs.DomainB, out var fromRecipient)
            || pairwise != fromRecipient)
        {
            throw new InvalidOperationException("Both users must derive the same pairwise hash.");
        }

        json.WriteStartObject("pairwise");
        json.WriteHex("sender_agreement_secret", VectorInputs.SenderUserAgreementSecret);
        json.WriteHex("sender_agreement_public", senderAgreement);
        json.WriteHex("recipient_agreement_secret", VectorInputs.RecipientUserAgreementSecret);
        json.WriteHex("recipient_agreement_public", recipientAgreement);
        json.WriteString("recipient_domain", VectorInputs.DomainB);
        json.WriteHex("shared_secret", sharedSecret);
        json.WriteHex("message", [0x03, .. sharedSecret, .. senderAgreement, .. recipientAgreement, (byte)domain.Length, .. domain]);
        WriteHash(json, pairwise);
        json.WriteEndObject();

        json.WriteStartObject("introduction");
        json.WriteHex("recipient_agreement_public", recipientAgreement);
        json.WriteString("recipient_domain", VectorInputs.DomainB);
        json.WriteHex("message", [0x04, .. recipientAgreement, (byte)domain.Length, .. domain]);
        WriteHash(json, RecipientHashDerivation.Introduction(recipientAgreement, VectorInputs.DomainB));
        json.WriteEndObject();
    });

    private static void WriteHash(Utf8JsonWriter json, RecipientHash hash) => json.WriteHex("recipient_hash", hash.Value.ToArray());

    internal static byte[] AgreementPublic(byte[] secret)
    {
        var publicKey = new byte[X25519.PublicKeySize];
        X25519.PublicKeyFromSecret(secret, publicKey);
        return publicKey;
    }

    internal static byte[] PublicKey(byte[] seed)
    {
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.PublicKeyFromSeed(seed, publicKey);
        return publicKey;
    }
}
