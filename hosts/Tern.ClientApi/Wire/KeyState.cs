using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The user's own published keys (docs/C2S.md §12): the bundle as the domain serves it to other domains.</summary>
[MessagePackObject]
public sealed class KeyState
{
    /// <summary>The user's address (docs/PROTOCOL.md §14.1).</summary>
    [JsonPropertyName("address")]
    [Key("address")]
    public string Address { get; set; } = "";

    /// <summary>The address hash the bundle is looked up by (§14.4), base64url.</summary>
    [JsonPropertyName("addressHash")]
    [Key("addressHash")]
    public string AddressHash { get; set; } = "";

    /// <summary>The current record's fingerprint (§14.2), base64url; null when every record is revoked.</summary>
    [JsonPropertyName("fingerprint")]
    [Key("fingerprint")]
    public string? Fingerprint { get; set; }

    /// <summary>The fingerprint this change replaced or revoked, when the answer is to a change.</summary>
    [JsonPropertyName("previous")]
    [Key("previous")]
    public string? Previous { get; set; }

    /// <summary>Why the previous record was revoked (<c>superseded</c>, <c>compromised</c>, <c>retired</c>, <c>unspecified</c>), when one was.</summary>
    [JsonPropertyName("reason")]
    [Key("reason")]
    public string? Reason { get; set; }

    /// <summary>Whether the current record carries the escrow flag (§14.2).</summary>
    [JsonPropertyName("escrow")]
    [Key("escrow")]
    public bool Escrow { get; set; }

    /// <summary>The key bundle (§14.4), base64url of its exact bytes.</summary>
    [JsonPropertyName("bundle")]
    [Key("bundle")]
    public string Bundle { get; set; } = "";

    /// <summary>Only when the domain generated the keys (escrow): the Ed25519 seed, base64url, shown once.</summary>
    [JsonPropertyName("signingSecret")]
    [Key("signingSecret")]
    public string? SigningSecret { get; set; }

    /// <summary>Only when the domain generated the keys (escrow): the X25519 secret, base64url, shown once.</summary>
    [JsonPropertyName("agreementSecret")]
    [Key("agreementSecret")]
    public string? AgreementSecret { get; set; }
}
