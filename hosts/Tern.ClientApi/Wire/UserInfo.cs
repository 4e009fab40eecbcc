using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>Who the token belongs to.</summary>
[MessagePackObject]
public sealed class UserInfo
{
    /// <summary>The user's name.</summary>
    [JsonPropertyName("name")]
    [Key("name")]
    public string Name { get; set; } = "";

    /// <summary>The user's address.</summary>
    [JsonPropertyName("address")]
    [Key("address")]
    public string Address { get; set; } = "";

    /// <summary>The recipient hashes the user registered.</summary>
    [JsonPropertyName("hashes")]
    [Key("hashes")]
    public List<string> Hashes { get; set; } = [];
}
