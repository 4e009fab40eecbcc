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

    /// <summary>The user's devices not revoked (the operator token's counts once it was used).</summary>
    [JsonPropertyName("devices")]
    [Key("devices")]
    public int Devices { get; set; }

    /// <summary>The fingerprint of the user's current key record as the domain publishes it (docs/C2S.md §12); null before the first publication and after a revocation.</summary>
    [JsonPropertyName("fingerprint")]
    [Key("fingerprint")]
    public string? Fingerprint { get; set; }
}
