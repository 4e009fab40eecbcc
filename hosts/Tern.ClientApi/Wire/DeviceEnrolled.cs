using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>POST /v1/devices</c>: the new device and its token, shown once (docs/C2S.md §5).</summary>
public sealed class DeviceEnrolled
{
    /// <summary>The device's id, 22 characters of base64url.</summary>
    [JsonPropertyName("deviceId")]
    public string DeviceId { get; set; } = "";

    /// <summary>The device token (<c>tern_d_</c> + 43 characters): opens sessions; the node keeps only its SHA-256.</summary>
    [JsonPropertyName("deviceToken")]
    public string DeviceToken { get; set; } = "";

    /// <summary>The name given at enrolment.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>native, gateway or minimal.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";
}
