using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One registered recipient hash with its kind and expiry (docs/C2S.md §10).</summary>
[MessagePackObject]
public sealed class HashItem
{
    /// <summary>The recipient hash, base64url.</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string Hash { get; set; } = "";

    /// <summary><c>pairwise</c>, <c>negotiated</c>, <c>introduction</c> or <c>token</c>.</summary>
    [JsonPropertyName("kind")]
    [Key("kind")]
    public string Kind { get; set; } = "";

    /// <summary>When the registration lapses, RFC 3339 UTC; null for never.</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string? Expires { get; set; }
}
