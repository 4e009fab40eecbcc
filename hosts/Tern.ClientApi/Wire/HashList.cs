using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The recipient hashes the user registered.</summary>
[MessagePackObject]
public sealed class HashList
{
    /// <summary>Recipient hashes, base64url.</summary>
    [JsonPropertyName("hashes")]
    [Key("hashes")]
    public List<string> Hashes { get; set; } = [];

    /// <summary>The same hashes with their kind and expiry (docs/C2S.md §10), in the same order.</summary>
    [JsonPropertyName("registrations")]
    [Key("registrations")]
    public List<HashItem> Registrations { get; set; } = [];
}
