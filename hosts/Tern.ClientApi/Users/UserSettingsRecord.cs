using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>
/// One user's settings file (<c>users/&lt;name&gt;.json</c> beside the users file, mode 0600): the recipient hashes they
/// registered, their pull preferences and blocks. Only the running node writes it, whole and atomically, on each change
/// of that user's settings (docs/OPERATIONS.md, the data directory).
/// </summary>
internal sealed class UserSettingsRecord
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

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

    /// <summary>Whether there is nothing to keep (a user without settings has no file).</summary>
    [JsonIgnore]
    public bool IsEmpty => Hashes.Count == 0 && Preferences.Count == 0 && Blocked.Count == 0;
}
