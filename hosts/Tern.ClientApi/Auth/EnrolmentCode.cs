using System.Text.Json.Serialization;

namespace Tern.ClientApi.Auth;

/// <summary>A one-time enrolment code not yet used: its SHA-256, whose it is, until when.</summary>
internal sealed class EnrolmentCode
{
    [JsonPropertyName("codeSha256")]
    public string CodeSha256 { get; set; } = "";

    [JsonPropertyName("user")]
    public string User { get; set; } = "";

    [JsonPropertyName("expiresMs")]
    public long ExpiresMs { get; set; }
}
