using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>A registered hash's kind and expiry in the users file, kept only for a hash that is not pairwise without expiry.</summary>
internal sealed class HashDetailRecord
{
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = HashKinds.Default;

    /// <summary>When the registration lapses, ms since the epoch; absent for never.</summary>
    [JsonPropertyName("expiresMs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpiresMs { get; set; }
}
