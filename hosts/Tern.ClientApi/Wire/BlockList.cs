using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The sender domains the user blocked.</summary>
[MessagePackObject]
public sealed class BlockList
{
    /// <summary>Blocked sender domains.</summary>
    [JsonPropertyName("blocked")]
    [Key("blocked")]
    public List<string> Blocked { get; set; } = [];
}
