using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>
/// The users file (<c>users.json</c> in the data directory, mode 0600): every user and their token's hash. Version 2;
/// version 1 also held every user's settings, which now live in a file per user (<see cref="UserSettingsRecord"/>).
/// </summary>
internal sealed class UsersFileModel
{
    /// <summary>The layout written now.</summary>
    public const int CurrentVersion = 2;

    [JsonPropertyName("version")]
    public int Version { get; set; } = CurrentVersion;

    [JsonPropertyName("users")]
    public List<UserRecord> Users { get; set; } = [];
}
