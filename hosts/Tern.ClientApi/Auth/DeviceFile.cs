using System.Text.Json.Serialization;

namespace Tern.ClientApi.Auth;

/// <summary>
/// <c>clientapi/devices.json</c> (mode 0600): every device, the enrolment codes not yet used, and the users' password
/// hashes. Kept apart from the users file, which the operator's tools own.
/// </summary>
internal sealed class DeviceFile
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("devices")]
    public List<DeviceRecord> Devices { get; set; } = [];

    [JsonPropertyName("codes")]
    public List<EnrolmentCode> Codes { get; set; } = [];

    /// <summary>Argon2id hash per user name (<see cref="PasswordHash"/>).</summary>
    [JsonPropertyName("passwords")]
    public Dictionary<string, string> Passwords { get; set; } = [];
}
