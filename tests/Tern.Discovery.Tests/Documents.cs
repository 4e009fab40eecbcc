using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Discovery.Tests;

/// <summary>Hostile and broken descriptor documents, built from the spec (docs/PROTOCOL.md §6.2).</summary>
public static class Documents
{
    /// <summary>The document with one signature character changed (still canonical base64url, no longer a valid signature).</summary>
    public static byte[] WithForgedSignature(byte[] document)
    {
        using var json = JsonDocument.Parse(document);
        var descriptor = json.RootElement.GetProperty("descriptor").GetString()!;
        var signature = json.RootElement.GetProperty("signature").GetString()!.ToCharArray();
        signature[0] = signature[0] == 'A' ? 'B' : 'A';
        return Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{descriptor}\",\"signature\":\"{new string(signature)}\"}}");
    }

    /// <summary>A descriptor of <paramref name="descriptorJson"/> signed correctly with <paramref name="keys"/>: only its content is wrong.</summary>
    public static byte[] SignedRaw(string descriptorJson, DomainKeySet keys)
    {
        var body = Encoding.UTF8.GetBytes(descriptorJson);
        var message = new byte[SignedDescriptor.ContextLabel.Length + body.Length];
        SignedDescriptor.ContextLabel.CopyTo(message);
        body.CopyTo(message.AsSpan(SignedDescriptor.ContextLabel.Length));
        var signature = new byte[64];
        keys.Sign(message, signature);
        return Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{Base64Url.EncodeToString(body)}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}");
    }

    /// <summary>A descriptor with every field right but <c>max_transit_seconds</c> as a string (a wrong type, §6.1).</summary>
    public static string WrongTypeDescriptor(DomainKeySet keys)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{{\"version\":1,\"domain\":\"{keys.Domain}\",\"signing_key\":\"{Base64Url.EncodeToString(keys.SigningPublicKey)}\","
            + $"\"agreement_key\":\"{Base64Url.EncodeToString(keys.AgreementPublicKey)}\",\"protocols\":[\"tern/1\"],\"notify\":[],\"fetch\":[],"
            + $"\"max_transit_seconds\":\"2592000\",\"escrow\":false,\"gateway\":false,\"issued_at\":{now},\"expires_at\":{now + 86400}}}";
    }
}
