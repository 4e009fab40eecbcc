using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>What this server offers (docs/C2S.md §13): <c>GET /v1/capabilities</c>, and in every session answer.</summary>
public sealed class CapabilityDocument
{
    /// <summary>API versions served.</summary>
    [JsonPropertyName("api")]
    public List<string> Api { get; set; } = [];

    /// <summary>Features offered; a client ignores those it does not know.</summary>
    [JsonPropertyName("features")]
    public List<string> Features { get; set; } = [];

    /// <summary>Whether the domain generates and escrows user keys.</summary>
    [JsonPropertyName("escrow")]
    public bool Escrow { get; set; }

    /// <summary>The limits.</summary>
    [JsonPropertyName("limits")]
    public CapabilityLimits Limits { get; set; } = new();
}
