using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>
/// One user in the users file: who they are and their token's hash. Their settings are in their own file
/// (<see cref="UserSettingsRecord"/>); a users file of the first layout (version 1) carried them here too, and is split
/// when a directory opens it (<see cref="UserDirectory"/>), so these four are read, never written.
/// </summary>
internal sealed class UserRecord
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("address")]
    public string Address { get; set; } = "";

    /// <summary>SHA-256 of the bearer token, lower-case hex. The token itself is shown once and never stored.</summary>
    [JsonPropertyName("tokenSha256")]
    public string TokenSha256 { get; set; } = "";

    /// <summary>Version 1 only: the user's hashes.</summary>
    [JsonPropertyName("hashes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Hashes { get; set; }

    /// <summary>Version 1 only: kind and expiry of the hashes that are not pairwise without expiry.</summary>
    [JsonPropertyName("hashDetails")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, HashDetailRecord>? HashDetails { get; set; }

    /// <summary>Version 1 only: the user's pull preferences.</summary>
    [JsonPropertyName("preferences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Preferences { get; set; }

    /// <summary>Version 1 only: the user's blocked sender domains.</summary>
    [JsonPropertyName("blocked")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Blocked { get; set; }

    /// <summary>Whether the record carries settings (the first layout).</summary>
    [JsonIgnore]
    public bool HasSettings => Hashes is not null || HashDetails is not null || Preferences is not null || Blocked is not null;

    /// <summary>The settings a record of the first layout carries, as a settings file holds them.</summary>
    public UserSettingsRecord Settings() => new()
    {
        Hashes = Hashes ?? [],
        HashDetails = HashDetails,
        Preferences = Preferences ?? [],
        Blocked = Blocked ?? [],
    };
}
