using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>GET /v1/labels</c>.</summary>
[MessagePackObject]
public sealed class LabelList
{
    /// <summary>The user's labels in ordinal order.</summary>
    [JsonPropertyName("labels")]
    [Key("labels")]
    public List<LabelCount> Labels { get; set; } = [];
}
