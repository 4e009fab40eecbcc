using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Vectors;

/// <summary>
/// rotation-verdicts.json: a.example's descriptor (that of descriptor.json) in each state of a key rotation (§16) — announced,
/// rotated, after — and with a bad or incomplete rotation, each judged at an instant against a set of trusted fingerprints.
/// </summary>
internal static class RotationVerdictVectors
{
    public const string FileName = "rotation-verdicts.json";

    /// <summary><c>rotates_at</c>: one day after the descriptor's issue.</summary>
    public const long RotatesAt = DescriptorVectors.IssuedAt + 86_400;

    /// <summary><c>previous_until</c>: a window of 7 days.</summary>
    public const long PreviousUntil = RotatesAt + 7 * 86_400;

    private const string Description =
        "Key rotation (PROTOCOL.md §16). a.example (keys.json) rotates to the next keys below. Each case is a signed document "
        + "(§6.2) whose descriptor is descriptor.json's with the rotation fields of its state (§16.1); \"statement_hex\" is the "
        + "rotation statement its rotation_signature covers (§16.2), absent when the descriptor has none. A verifier asked for "
        + "a.example at \"verify_at\" (seconds) that trusts the fingerprints \"trusted\" reaches \"verdict\": \"valid\" or the "
        + "reason it refuses (bad_rotation_signature, fingerprint_mismatch, invalid_field). For a valid one, \"seal_to\" is the "
        + "agreement key a sender seals to then (§16.4) and \"sender_keys_matched\" the agreement keys a puller accepts as "
        + "a.example's then (§4.7).";

    public static VectorFile Build(VectorKeys keys)
    {
        var old = keys.A;
        var next = keys.NextA;
        var oldFingerprint = DescriptorVectors.Descriptor(keys).Fingerprint;
        var newFingerprint = Plain(keys, next).Fingerprint;
        Bytes32[] trustOld = [oldFingerprint];
        Bytes32[] trustNew = [newFingerprint];
        var announced = Announced(keys);
        var rotated = Rotated(keys);
        var after = Plain(keys, next);
        var beforeRotation = RotatesAt - 3_600;
        var inWindow = RotatesAt + 3_600;
        var afterWindow = PreviousUntil + 60;

        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("domain", old.Domain);
            json.WriteHex("next_signing_seed", VectorInputs.NextSigningSeedA);
            json.WriteHex("next_agreement_secret", VectorInputs.NextAgreementSecretA);
            json.WriteBase64Url("old_signing_key", old.SigningPublicKey);
            json.WriteBase64Url("old_agreement_key", old.AgreementPublicKey);
            json.WriteBase64Url("new_signing_key", next.SigningPublicKey);
            json.WriteBase64Url("new_agreement_key", next.AgreementPublicKey);
            json.WriteString("old_fingerprint", oldFingerprint.ToString());
            json.WriteString("new_fingerprint", newFingerprint.ToString());
            json.WriteString("statement_context", Encoding.ASCII.GetString(KeyRotationStatement.ContextLabel));
            json.WriteNumber("rotates_at", RotatesAt);
            json.WriteNumber("previous_until", PreviousUntil);
            json.WriteStartArray("cases");

            Case(json, "announced_before_rotates_at", "§16.4: announced, before rotates_at: seal to the old key; both keys match",
                announced, SignedDescriptor.Sign(announced, old), beforeRotation, trustOld);
            Case(json, "announced_from_rotates_at", "§16.4: announced, from rotates_at: seal to next_agreement_key without asking again",
                announced, SignedDescriptor.Sign(announced, old), inWindow, trustOld);
            Case(json, "rotated_in_window_old_fingerprint", "§16.3: rotated, in the window, DNS still names only the old key: the cross-signature vouches",
                rotated, SignedDescriptor.Sign(rotated, next), inWindow, trustOld);
            Case(json, "rotated_in_window_both_fingerprints", "§16.3: rotated, in the window, DNS names both keys",
                rotated, SignedDescriptor.Sign(rotated, next), inWindow, [oldFingerprint, newFingerprint]);
            Case(json, "rotated_after_window_old_fingerprint", "§16.3: after previous_until the old key vouches for nothing",
                rotated, SignedDescriptor.Sign(rotated, next), afterWindow, trustOld);
            Case(json, "rotated_after_window_new_fingerprint", "§16.4: after previous_until only the new agreement key matches",
                rotated, SignedDescriptor.Sign(rotated, next), afterWindow, trustNew);
            Case(json, "after", "§16.1: the after state, DNS names the new key", after, SignedDescriptor.Sign(after, next), afterWindow, trustNew);
            Case(json, "after_old_fingerprint", "§16.3: the after state with only the old fingerprint trusted",
                after, SignedDescriptor.Sign(after, next), afterWindow, trustOld);

            // The rotated state cross-signed by the new key instead of the old: the old key never said so.
            var selfSigned = With(rotated, KeyRotationStatement.Build(old.Domain, Key(old.SigningPublicKey), Key(old.AgreementPublicKey),
                Key(next.SigningPublicKey), Key(next.AgreementPublicKey), RotatesAt, PreviousUntil), next);
            Case(json, "rotated_cross_signed_by_new_key", "§16.3: the rotated state's cross-signature must be the previous key's",
                selfSigned, SignedDescriptor.Sign(selfSigned, next), inWindow, trustOld);

            // A window stretched after the old key signed: the statement the old key signed had the shorter one.
            var stretched = With(rotated, KeyRotationStatement.Build(old.Domain, Key(old.SigningPublicKey), Key(old.AgreementPublicKey),
                Key(next.SigningPublicKey), Key(next.AgreementPublicKey), RotatesAt, PreviousUntil), old, previousUntil: PreviousUntil + 86_400);
            Case(json, "rotated_window_altered", "§16.3: previous_until changed after the cross-signature",
                stretched, SignedDescriptor.Sign(stretched, next), inWindow, trustOld);

            // Announced by the old key naming a key whose holder never consented.
            var unconsented = With(announced, KeyRotationStatement.Of(announced), old);
            Case(json, "announced_cross_signed_by_old_key", "§16.3: the announced state's cross-signature must be the next key's",
                unconsented, SignedDescriptor.Sign(unconsented, old), inWindow, trustOld);

            var rotatedText = DescriptorText(SignedDescriptor.Sign(rotated, next));
            RawCase(json, "rotation_without_signature", "§16.1: a rotation set without rotation_signature",
                Without(rotatedText, "rotation_signature"), next, inWindow, trustOld);
            RawCase(json, "next_and_previous_keys", "§16.1: one rotation at a time",
                rotatedText[..^1] + $",\"next_signing_key\":\"{Key(next.SigningPublicKey)}\",\"next_agreement_key\":\"{Key(next.AgreementPublicKey)}\"}}", next, inWindow, trustOld);
            RawCase(json, "window_over_30_days", "§16.1: previous_until − rotates_at at most 2 592 000",
                rotatedText.Replace($"\"previous_until\":{PreviousUntil}", $"\"previous_until\":{RotatesAt + 2_592_001}", StringComparison.Ordinal), next, inWindow, trustOld);
            json.WriteEndArray();
        });
    }

    /// <summary>descriptor.json's descriptor under <paramref name="keys"/>' keys, with no rotation fields.</summary>
    private static DomainDescriptor Plain(VectorKeys vectorKeys, DomainKeySet keys)
    {
        var d = DescriptorVectors.Descriptor(vectorKeys);
        return new DomainDescriptor
        {
            Domain = d.Domain,
            SigningKey = Key(keys.SigningPublicKey),
            AgreementKey = Key(keys.AgreementPublicKey),
            Protocols = d.Protocols,
            Notify = d.Notify,
            Fetch = d.Fetch,
            TlsCertSha256 = d.TlsCertSha256,
            MaxTransitSeconds = d.MaxTransitSeconds,
            IssuedAt = d.IssuedAt,
            ExpiresAt = d.ExpiresAt,
        };
    }

    private static DomainDescriptor Announced(VectorKeys keys)
    {
        var unsigned = Copy(Plain(keys, keys.A), previous: null, next: keys.NextA, PreviousUntil, signature: null);
        return Copy(unsigned, null, keys.NextA, PreviousUntil, KeyRotationStatement.Sign(unsigned, keys.NextA));
    }

    private static DomainDescriptor Rotated(VectorKeys keys)
    {
        var unsigned = Copy(Plain(keys, keys.NextA), previous: keys.A, next: null, PreviousUntil, signature: null);
        return Copy(unsigned, keys.A, null, PreviousUntil, KeyRotationStatement.Sign(unsigned, keys.A));
    }

    /// <summary><paramref name="d"/> with its rotation signature made by <paramref name="signer"/> over <paramref name="statement"/>.</summary>
    private static DomainDescriptor With(DomainDescriptor d, byte[] statement, DomainKeySet signer, long? previousUntil = null)
    {
        var signature = new byte[Ed25519.SignatureSize];
        signer.Sign(statement, signature);
        return new DomainDescriptor
        {
            Domain = d.Domain,
            SigningKey = d.SigningKey,
            AgreementKey = d.AgreementKey,
            Protocols = d.Protocols,
            Notify = d.Notify,
            Fetch = d.Fetch,
            TlsCertSha256 = d.TlsCertSha256,
            MaxTransitSeconds = d.MaxTransitSeconds,
            IssuedAt = d.IssuedAt,
            ExpiresAt = d.ExpiresAt,
            NextSigningKey = d.NextSigningKey,
            NextAgreementKey = d.NextAgreementKey,
            PreviousSigningKey = d.PreviousSigningKey,
            PreviousAgreementKey = d.PreviousAgreementKey,
            RotatesAt = d.RotatesAt,
            PreviousUntil = previousUntil is { } until ? DateTimeOffset.FromUnixTimeSeconds(until) : d.PreviousUntil,
            RotationSignature = signature,
        };
    }

    private static DomainDescriptor Copy(DomainDescriptor d, DomainKeySet? previous, DomainKeySet? next, long previousUntil, byte[]? signature) => new()
    {
        Domain = d.Domain,
        SigningKey = d.SigningKey,
        AgreementKey = d.AgreementKey,
        Protocols = d.Protocols,
        Notify = d.Notify,
        Fetch = d.Fetch,
        TlsCertSha256 = d.TlsCertSha256,
        MaxTransitSeconds = d.MaxTransitSeconds,
        IssuedAt = d.IssuedAt,
        ExpiresAt = d.ExpiresAt,
        NextSigningKey = next is null ? null : Key(next.SigningPublicKey),
        NextAgreementKey = next is null ? null : Key(next.AgreementPublicKey),
        PreviousSigningKey = previous is null ? null : Key(previous.SigningPublicKey),
        PreviousAgreementKey = previous is null ? null : Key(previous.AgreementPublicKey),
        RotatesAt = DateTimeOffset.FromUnixTimeSeconds(RotatesAt),
        PreviousUntil = DateTimeOffset.FromUnixTimeSeconds(previousUntil),
        RotationSignature = signature is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(signature),
    };

    private static Bytes32 Key(ReadOnlySpan<byte> key) => new(key);

    private static void Case(Utf8JsonWriter json, string name, string rule, DomainDescriptor descriptor, byte[] document, long verifyAt, Bytes32[] trusted)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(verifyAt);
        var verification = SignedDescriptor.Verify(document, descriptor.Domain, at, trusted);
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("rule", rule);
        json.WriteString("descriptor_text", DescriptorText(document));
        json.WriteString("document", Encoding.UTF8.GetString(document));
        if (descriptor.RotationState != KeyRotationState.None)
        {
            json.WriteHex("statement_hex", KeyRotationStatement.Of(descriptor));
        }

        WriteJudgement(json, verifyAt, trusted, verification, at);
        json.WriteEndObject();
    }

    private static void RawCase(Utf8JsonWriter json, string name, string rule, string text, DomainKeySet signer, long verifyAt, Bytes32[] trusted)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var signature = new byte[Ed25519.SignatureSize];
        signer.Sign([.. SignedDescriptor.ContextLabel, .. bytes], signature);
        var document = Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{Base64Url.EncodeToString(bytes)}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}");
        var at = DateTimeOffset.FromUnixTimeSeconds(verifyAt);
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("rule", rule);
        json.WriteString("descriptor_text", text);
        json.WriteString("document", Encoding.UTF8.GetString(document));
        WriteJudgement(json, verifyAt, trusted, SignedDescriptor.Verify(document, VectorInputs.DomainA, at, trusted), at);
        json.WriteEndObject();
    }

    private static void WriteJudgement(Utf8JsonWriter json, long verifyAt, Bytes32[] trusted, DescriptorVerification verification, DateTimeOffset at)
    {
        json.WriteNumber("verify_at", verifyAt);
        json.WriteStrings("trusted", trusted.Select(f => f.ToString()));
        json.WriteString("verdict", verification.IsValid ? "valid" : Snake(verification.Failure.ToString()));
        if (verification.IsValid)
        {
            var d = verification.Descriptor;
            json.WriteString("seal_to", d.AgreementKeyAt(at).ToString());
            json.WriteStrings("sender_keys_matched", new[] { d.AgreementKey, d.PreviousAgreementKey, d.NextAgreementKey }
                .Where(k => k is not null && d.NamesAgreementKey(k.Value, at)).Select(k => k!.Value.ToString()));
        }
    }

    private static string DescriptorText(byte[] document)
    {
        using var parsed = JsonDocument.Parse(document);
        return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parsed.RootElement.GetProperty("descriptor").GetString()!));
    }

    private static string Without(string text, string field)
    {
        var start = text.IndexOf($",\"{field}\":", StringComparison.Ordinal);
        var end = text.IndexOf('"', text.IndexOf('"', start + field.Length + 4) + 1);
        return text[..start] + text[(end + 1)..];
    }

    private static string Snake(string value) => System.Text.RegularExpressions.Regex.Replace(value, "(?<=[a-z])([A-Z])", "_$1").ToLowerInvariant();
}
