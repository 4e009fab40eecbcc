using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>Sets the pull preference for a sender domain.</summary>
[MessagePackObject]
public sealed class PreferenceRequest
{
    /// <summary><c>immediately</c>, <c>whenRequested</c> or <c>ignore</c>.</summary>
    [JsonPropertyName("pull")]
    [Key("pull")]
    public string Pull { get; set; } = "";
}
