using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>The users file (<c>users.json</c> in the data directory, mode 0600): every user, their token's hash and their settings.</summary>
internal sealed class UsersFileModel
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("users")]
    public List<UserRecord> Users { get; set; } = [];
}
