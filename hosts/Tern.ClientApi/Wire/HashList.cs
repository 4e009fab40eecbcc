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
}
