using System.Text.Json.Serialization;

namespace Tern.ClientApi.Auth;

/// <summary>One enrolled device of a user (docs/C2S.md §5): the SHA-256 of its token, never the token.</summary>
internal sealed class DeviceRecord
{
    /// <summary>22 characters of base64url (128 random bits); for the operator's token, derived from its hash.</summary>
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("user")]
    public string User { get; set; } = "";

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary><c>native</c>, <c>gateway</c> or <c>minimal</c> (docs/C2S.md §13).</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = DeviceKinds.Native;

    /// <summary>SHA-256 of the device token, lower-case hex; for the operator's token, its hash in the users file.</summary>
    [JsonPropertyName("tokenSha256")]
    public string TokenSha256 { get; set; } = "";

    [JsonPropertyName("createdMs")]
    public long CreatedMs { get; set; }

    /// <summary>Whether this device is the users file's operator-issued token, mapped to a device.</summary>
    [JsonPropertyName("operator")]
    public bool Operator { get; set; }

    [JsonPropertyName("revokedMs")]
    public long? RevokedMs { get; set; }
}
