using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Vectors;

/// <summary>
/// descriptor-verdicts.json: a.example's descriptor (that of descriptor.json) written in other ways — field order,
/// whitespace, absent and null fields, numbers in other notations, another version — each signed as it is and judged.
/// </summary>
internal static class DescriptorVerdictVectors
{
    public const string FileName = "descriptor-verdicts.json";

    private const string Description =
        "Descriptor JSON rules (PROTOCOL.md §6.1) and the verifier's order (§6.2). Each case is a descriptor text signed as it is "
        + "with a.example's signing key (\"document\" = {\"descriptor\":base64url(text),\"signature\":base64url(Ed25519 over "
        + "\"tern/v1/descriptor\\n\" || text)}), and the verdict of a verifier asked for \"domain\" at \"verify_at\" (seconds) "
        + "that trusts \"fingerprint\": \"valid\", or the reason it refuses the descriptor (missing_field, invalid_field, "
        + "unsupported_version, duplicate_property). The case table_order is exactly descriptor.json's descriptor_text.";

    public static VectorFile Build(VectorKeys keys)
    {
        var descriptor = DescriptorVectors.Descriptor(keys);
        var fields = Fields(descriptor);
        var flippedKey = descriptor.AgreementKey.ToString()[..^1] + "B";
        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("domain", descriptor.Domain);
            json.WriteNumber("verify_at", DescriptorVectors.VerifyAt);
            json.WriteString("fingerprint", descriptor.Fingerprint.ToString());
            json.WriteStartArray("cases");
            Case(json, keys, "table_order", "§6.1: the fields in the order of the table, no whitespace, as Tern signs", Compact(fields), "valid");
            Case(json, keys, "reverse_order_with_whitespace", "§6.1: any order and whitespace verify",
                "{\n  " + string.Join(",\n  ", fields.AsEnumerable().Reverse().Select(f => $"\"{f.Name}\" : {f.Value}")) + "\n}\n", "valid");
            Case(json, keys, "unknown_field_null", "§6.1: an unknown field is ignored whatever its value", Compact([.. fields, ("x_future", "null")]), "valid");
            Case(json, keys, "optional_field_absent", "§6.1: tls_cert_sha256 left out", Compact(Without(fields, "tls_cert_sha256")), "valid");
            Case(json, keys, "optional_field_null", "§6.1: tls_cert_sha256 given as null", Compact(With(fields, "tls_cert_sha256", "null")), "invalid_field");
            Case(json, keys, "ledger_null", "§6.1: the reserved ledger given as null", Compact([.. fields, ("ledger", "null")]), "invalid_field");
            Case(json, keys, "required_field_null", "§6.1: escrow given as null", Compact(With(fields, "escrow", "null")), "invalid_field");
            Case(json, keys, "required_field_missing", "§6.1: escrow left out", Compact(Without(fields, "escrow")), "missing_field");
            Case(json, keys, "version_2", "§6.1: a version other than 1 is refused", Compact(With(fields, "version", "2")), "unsupported_version");
            Case(json, keys, "version_with_fraction", "§6.1: an int has no fraction", Compact(With(fields, "version", "1.0")), "invalid_field");
            Case(json, keys, "issued_at_with_exponent", "§6.1: an int has no exponent", Compact(With(fields, "issued_at", "1.79e9")), "invalid_field");
            Case(json, keys, "quoted_int", "§6.1: a quoted number is a string", Compact(With(fields, "max_transit_seconds", "\"1209600\"")), "invalid_field");
            Case(json, keys, "quoted_bool", "§6.1: a quoted boolean is a string", Compact(With(fields, "escrow", "\"false\"")), "invalid_field");
            Case(json, keys, "non_canonical_key", "§2.3: agreement_key with a non-zero unused bit", Compact(With(fields, "agreement_key", $"\"{flippedKey}\"")), "invalid_field");
            Case(json, keys, "duplicate_member", "§6.1: a member named twice", Compact([.. fields, ("gateway", "true")]), "duplicate_property");
            Case(json, keys, "bulk_present", "§6.1, §17.1: a gateway's optional bulk endpoints, after the other fields", Compact([.. fields, ("bulk", "[\"udp://gw.a.example:7404\"]")]), "valid");
            Case(json, keys, "bulk_null", "§6.1: the optional bulk given as null", Compact([.. fields, ("bulk", "null")]), "invalid_field");
            json.WriteEndArray();
        });
    }

    /// <summary>The descriptor's fields in the §6.1 table order, each with its JSON value as Tern's signer writes it.</summary>
    private static List<(string Name, string Value)> Fields(DomainDescriptor d)
    {
        static string Text(string value) => $"\"{value}\"";
        static string List(IEnumerable<string> values) => "[" + string.Join(",", values.Select(Text)) + "]";
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            ("version", Number(d.Version)),
            ("domain", Text(d.Domain)),
            ("signing_key", Text(d.SigningKey.ToString())),
            ("agreement_key", Text(d.AgreementKey.ToString())),
            ("protocols", List(d.Protocols)),
            ("notify", List(d.Notify)),
            ("fetch", List(d.Fetch)),
            ("tls_cert_sha256", Text(d.TlsCertSha256!.Value.ToString())),
            ("max_transit_seconds", Number(d.MaxTransitSeconds)),
            ("escrow", d.Escrow ? "true" : "false"),
            ("gateway", d.Gateway ? "true" : "false"),
            ("issued_at", Number(d.IssuedAt.ToUnixTimeSeconds())),
            ("expires_at", Number(d.ExpiresAt.ToUnixTimeSeconds())),
        ];
    }

    private static string Compact(IEnumerable<(string Name, string Value)> fields)
        => "{" + string.Join(",", fields.Select(f => $"\"{f.Name}\":{f.Value}")) + "}";

    private static List<(string Name, string Value)> With(List<(string Name, string Value)> fields, string name, string value)
        => [.. fields.Select(f => f.Name == name ? (f.Name, value) : f)];

    private static List<(string Name, string Value)> Without(List<(string Name, string Value)> fields, string name)
        => [.. fields.Where(f => f.Name != name)];

    private static void Case(System.Text.Json.Utf8JsonWriter json, VectorKeys keys, string name, string rule, string text, string verdict)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var signature = new byte[Ed25519.SignatureSize];
        keys.A.Sign([.. SignedDescriptor.ContextLabel, .. bytes], signature);
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("rule", rule);
        json.WriteString("descriptor_text", text);
        json.WriteString("document", $"{{\"descriptor\":\"{Base64Url.EncodeToString(bytes)}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}");
        json.WriteString("verdict", verdict);
        json.WriteEndObject();
    }
}
