using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The body of <c>PUT /v1/hashes/{hash}</c> (docs/C2S.md §10), for the OpenAPI document; the route reads it member by member to name a bad one.</summary>
public sealed class HashRegistrationRequest
{
    /// <summary><c>pairwise</c> (the default), <c>negotiated</c>, <c>introduction</c> or <c>token</c>.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>When the node stops watching the hash for the user, RFC 3339, in the future and at most 3650 days ahead; null or absent for never.</summary>
    [JsonPropertyName("expires")]
    public string? Expires { get; set; }
}
