using System.Buffers.Text;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// Fixed keys, a fixed clock and a second, independent implementation of the §6.2 document (built by string
/// concatenation from the spec, not through the engine's serializer) shared by the descriptor tests.
/// </summary>
internal sealed class DescriptorFixture : IDisposable
{
    /// <summary>2026-09-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_788_220_800);

    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    public DomainKeySet Keys { get; } = DomainKeySet.FromSecrets("a.example", Fill(0x11), Fill(0x22), Now);

    public DomainKeySet OtherKeys { get; } = DomainKeySet.FromSecrets("a.example", Fill(0x33), Fill(0x44), Now);

    public Bytes32 Fingerprint => Bytes32.Parse(Keys.Fingerprint);

    public string SigningKeyText => Base64Url.EncodeToString(Keys.SigningPublicKey);

    public string AgreementKeyText => Base64Url.EncodeToString(Keys.AgreementPublicKey);

    public static long IssuedAt => Now.ToUnixTimeSeconds();

    public static long ExpiresAt => (Now + Validity).ToUnixTimeSeconds();

    public DomainDescriptor Descriptor(Bytes32? tls = null) => DomainDescriptor.For(
        Keys,
        ["udp://node.a.example:7400"],
        ["tern+tcp://node.a.example:7401", "https://node.a.example:443"],
        Validity,
        new ManualClock(Now),
        tlsCertSha256: tls);

    public byte[] Signed() => SignedDescriptor.Sign(Descriptor(), Keys);

    /// <summary>The §6.1 fields of <see cref="Descriptor"/> as raw JSON values, in table order; edit and pass to <see cref="Json"/>.</summary>
    public List<KeyValuePair<string, string>> Fields() =>
    [
        new("version", "1"),
        new("domain", "\"a.example\""),
        new("signing_key", $"\"{SigningKeyText}\""),
        new("agreement_key", $"\"{AgreementKeyText}\""),
        new("protocols", "[\"tern/1\"]"),
        new("notify", "[\"udp://node.a.example:7400\"]"),
        new("fetch", "[\"tern+tcp://node.a.example:7401\",\"https://node.a.example:443\"]"),
        new("max_transit_seconds", "2592000"),
        new("escrow", "false"),
        new("gateway", "false"),
        new("issued_at", IssuedAt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("expires_at", ExpiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    public static string Json(IEnumerable<KeyValuePair<string, string>> fields)
        => "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

    public static List<KeyValuePair<string, string>> With(List<KeyValuePair<string, string>> fields, string name, string? rawValue)
    {
        var index = fields.FindIndex(f => f.Key == name);
        if (rawValue is null)
        {
            fields.RemoveAt(index);
        }
        else if (index < 0)
        {
            fields.Add(new(name, rawValue));
        }
        else
        {
            fields[index] = new(name, rawValue);
        }

        return fields;
    }

    /// <summary>Signs arbitrary descriptor bytes exactly as §6.2 says, without the engine's signer.</summary>
    public static byte[] SignRaw(ReadOnlySpan<byte> descriptor, DomainKeySet keys)
    {
        var message = Encoding.ASCII.GetBytes("tern/v1/descriptor\n").Concat(descriptor.ToArray()).ToArray();
        var signature = new byte[Ed25519.SignatureSize];
        keys.Sign(message, signature);
        return Document(Base64Url.EncodeToString(descriptor), Base64Url.EncodeToString(signature));
    }

    public byte[] SignRaw(string descriptorJson) => SignRaw(Encoding.UTF8.GetBytes(descriptorJson), Keys);

    public static byte[] Document(string descriptor, string signature)
        => Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{descriptor}\",\"signature\":\"{signature}\"}}");

    /// <summary>The two base64url strings of a document the engine signed (its layout is fixed: no whitespace).</summary>
    public static (string Descriptor, string Signature) Split(byte[] document)
    {
        using var json = System.Text.Json.JsonDocument.Parse(document);
        return (json.RootElement.GetProperty("descriptor").GetString()!, json.RootElement.GetProperty("signature").GetString()!);
    }

    public static DescriptorVerification Verify(byte[] document, IReadOnlyCollection<Bytes32>? trusted = null, string domain = "a.example", DateTimeOffset? now = null)
        => SignedDescriptor.Verify(document, domain, now ?? Now, trusted);

    public void Dispose()
    {
        Keys.Dispose();
        OtherKeys.Dispose();
    }

    private static byte[] Fill(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
