using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>A pull preference for one sender domain.</summary>
[MessagePackObject]
public sealed class PreferenceItem
{
    /// <summary>The sender domain.</summary>
    [JsonPropertyName("senderDomain")]
    [Key("senderDomain")]
    public string SenderDomain { get; set; } = "";

    /// <summary><c>immediately</c>, <c>whenRequested</c> or <c>ignore</c>.</summary>
    [JsonPropertyName("pull")]
    [Key("pull")]
    public string Pull { get; set; } = "";
}
