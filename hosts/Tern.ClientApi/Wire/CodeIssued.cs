using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>POST /v1/devices/codes</c>: a one-time enrolment code.</summary>
public sealed class CodeIssued
{
    /// <summary>The code (<c>tern_c_</c> + 22 characters), single use.</summary>
    [JsonPropertyName("code")]
    public string Code { get; set; } = "";

    /// <summary>When it stops working, RFC 3339 UTC.</summary>
    [JsonPropertyName("expires")]
    public string Expires { get; set; } = "";
}
