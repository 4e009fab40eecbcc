using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>POST /v1/references/{capability}/actions</c>.</summary>
public sealed class ActionResult
{
    /// <summary>The reference.</summary>
    [JsonPropertyName("capability")]
    public string Capability { get; set; } = "";

    /// <summary>The action taken: pull, defer or ignore.</summary>
    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    /// <summary>queued (the server pulls; a pulled event follows), pending (left for later) or dropped.</summary>
    [JsonPropertyName("state")]
    public string State { get; set; } = "";
}
