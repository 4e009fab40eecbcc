using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One of the user's labels and how many stored messages carry it.</summary>
[MessagePackObject]
public sealed class LabelCount
{
    /// <summary>The label.</summary>
    [JsonPropertyName("label")]
    [Key("label")]
    public string Label { get; set; } = "";

    /// <summary>How many stored messages carry it.</summary>
    [JsonPropertyName("count")]
    [Key("count")]
    public int Count { get; set; }
}
