using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The user's pull preferences per sender domain (any other domain: <c>whenRequested</c>).</summary>
[MessagePackObject]
public sealed class PreferenceList
{
    /// <summary>The preferences.</summary>
    [JsonPropertyName("preferences")]
    [Key("preferences")]
    public List<PreferenceItem> Preferences { get; set; } = [];
}
