using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Vectors;

/// <summary>descriptor.json: a.example's descriptor, its signed document, and its DNS records.</summary>
internal static class DescriptorVectors
{
    public const string FileName = "descriptor.json";

    /// <summary>2026-09-21T13:33:20Z.</summary>
    public const long IssuedAt = 1_790_000_000;

    /// <summary>30 days after <see cref="IssuedAt"/>.</summary>
    public const long ExpiresAt = IssuedAt + 30 * 86_400;

    /// <summary>The instant the tests verify at: one hour after issue, long before expiry.</summary>
    public const long VerifyAt = IssuedAt + 3_600;

    private const string Description =
        "Domain descriptor (PROTOCOL.md §6.1), its signed document (§6.2) and DNS records (§6.3) for a.example, signed with the "
        + "signing seed of keys.json. \"descriptor\" lists the fields; \"descriptor_text\" is the exact UTF-8 JSON that is signed "
        + "(\"descriptor_hex\" the same bytes); \"signature\" is Ed25519 over \"tern/v1/descriptor\\n\" || descriptor bytes; "
        + "\"document\" is the signed document as served. A verifier at \"verify_at\" (seconds) accepts it with the fingerprint "
        + "of the TXT value. Keys and hashes inside the descriptor are base64url; other bytes lower-case hex.";

    public static DomainDescriptor Descriptor(VectorKeys keys) => new()
    {
        Domain = keys.A.Domain,
        SigningKey = new Bytes32(keys.A.SigningPublicKey),
        AgreementKey = new Bytes32(keys.A.AgreementPublicKey),
        Protocols = [DescriptorLimits.ProtocolV1],
        Notify = ["udp://node.a.example:7400"],
        Fetch = ["tern+tcp://node.a.example:7401", "https://node.a.example:443", "quic://node.a.example:7401"],
        TlsCertSha256 = new Bytes32(VectorInputs.Run(0x20)),
        MaxTransitSeconds = 14 * 86_400,
        Escrow = false,
        Gateway = false,
        IssuedAt = DateTimeOffset.FromUnixTimeSeconds(IssuedAt),
        ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(ExpiresAt),
    };

    /// <summary>The signed document, as the engine's signer writes it.</summary>
    public static byte[] SignedDocument(VectorKeys keys) => SignedDescriptor.Sign(Descriptor(keys), keys.A);

    public static SrvRecord NotifySrv => new(10, 10, 7400, "node.a.example");

    public static SrvRecord FetchSrv => new(10, 10, 7401, "node.a.example");

    public static VectorFile Build(VectorKeys keys)
    {
        var descriptor = Descriptor(keys);
        var document = SignedDocument(keys);
        string descriptorText, signatureText;
        using (var parsed = JsonDocument.Parse(document))
        {
            descriptorText = parsed.RootElement.GetProperty("descriptor").GetString()!;
            signatureText = parsed.RootElement.GetProperty("signature").GetString()!;
        }

        var descriptorBytes = Base64Url.DecodeFromChars(descriptorText);
        var signature = Base64Url.DecodeFromChars(signatureText);
        var fingerprint = descriptor.Fingerprint;

        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("domain", descriptor.Domain);
            json.WriteHex("signing_seed", VectorInputs.SigningSeedA);

            json.WriteStartObject("descriptor");
            json.WriteNumber("version", descriptor.Version);
            json.WriteString("domain", descriptor.Domain);
            json.WriteString("signing_key", descriptor.SigningKey.ToString());
            json.WriteString("agreement_key", descriptor.AgreementKey.ToString());
            json.WriteStrings("protocols", descriptor.Protocols);
            json.WriteStrings("notify", descriptor.Notify);
            json.WriteStrings("fetch", descriptor.Fetch);
            json.WriteString("tls_cert_sha256", descriptor.TlsCertSha256!.Value.ToString());
            json.WriteNumber("max_transit_seconds", descriptor.MaxTransitSeconds);
            json.WriteBoolean("escrow", descriptor.Escrow);
            json.WriteBoolean("gateway", descriptor.Gateway);
            json.WriteNumber("issued_at", descriptor.IssuedAt.ToUnixTimeSeconds());
            json.WriteNumber("expires_at", descriptor.ExpiresAt.ToUnixTimeSeconds());
            json.WriteEndObject();

            json.WriteString("descriptor_text", Encoding.UTF8.GetString(descriptorBytes));
            json.WriteHex("descriptor_hex", descriptorBytes);
            json.WriteString("signature_context", Encoding.ASCII.GetString(SignedDescriptor.ContextLabel));
            json.WriteHex("signature", signature);
            json.WriteString("document", Encoding.UTF8.GetString(document));
            json.WriteNumber("verify_at", VerifyAt);

            json.WriteStartObject("dns");
            json.WriteString("fingerprint", fingerprint.ToString());
            json.WriteString("txt_owner", TernDnsRecords.TxtOwner(descriptor.Domain));
            json.WriteString("txt_value", TernDnsRecords.FormatTxtValue(fingerprint));
            json.WriteString("txt_zone_line", TernDnsRecords.FormatTxtZoneLine(descriptor.Domain, [fingerprint]));
            json.WriteStartArray("srv");
            WriteSrv(json, TernDnsRecords.NotifySrvOwner(descriptor.Domain), NotifySrv, TernDnsRecords.FormatNotifySrvZoneLine(descriptor.Domain, NotifySrv));
            WriteSrv(json, TernDnsRecords.FetchSrvOwner(descriptor.Domain), FetchSrv, TernDnsRecords.FormatFetchSrvZoneLine(descriptor.Domain, FetchSrv));
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void WriteSrv(Utf8JsonWriter json, string owner, SrvRecord record, string zoneLine)
    {
        json.WriteStartObject();
        json.WriteString("owner", owner);
        json.WriteNumber("ttl", TernDnsRecords.DefaultTtl);
        json.WriteNumber("priority", record.Priority);
        json.WriteNumber("weight", record.Weight);
        json.WriteNumber("port", record.Port);
        json.WriteString("target", record.Target);
        json.WriteString("zone_line", zoneLine);
        json.WriteEndObject();
    }
}
