using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>One user in the users file.</summary>
internal sealed class UserRecord
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("address")]
    public string Address { get; set; } = "";

    /// <summary>SHA-256 of the bearer token, lower-case hex. The token itself is shown once and never stored.</summary>
    [JsonPropertyName("tokenSha256")]
    public string TokenSha256 { get; set; } = "";

    [JsonPropertyName("hashes")]
    public List<string> Hashes { get; set; } = [];

    /// <summary>Kind and expiry of the hashes that are not pairwise without expiry (docs/C2S.md §10), by hash; absent when none.</summary>
    [JsonPropertyName("hashDetails")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, HashDetailRecord>? HashDetails { get; set; }

    [JsonPropertyName("preferences")]
    public Dictionary<string, string> Preferences { get; set; } = [];

    [JsonPropertyName("blocked")]
    public List<string> Blocked { get; set; } = [];
}
