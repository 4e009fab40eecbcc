using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>POST /v1/sessions</c>.</summary>
public sealed class SessionOpened
{
    /// <summary>The session token (<c>tern_s_</c> + 43 characters) for every other route.</summary>
    [JsonPropertyName("sessionToken")]
    public string SessionToken { get; set; } = "";

    /// <summary>When it stops working, RFC 3339 UTC.</summary>
    [JsonPropertyName("expires")]
    public string Expires { get; set; } = "";

    /// <summary>The device it was opened for.</summary>
    [JsonPropertyName("deviceId")]
    public string DeviceId { get; set; } = "";

    /// <summary>The capability document.</summary>
    [JsonPropertyName("capabilities")]
    public CapabilityDocument Capabilities { get; set; } = new();
}
