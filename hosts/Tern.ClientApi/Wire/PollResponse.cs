using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One page of a recipient hash's pending references.</summary>
[MessagePackObject]
public sealed class PollResponse
{
    /// <summary>The recipient hash polled.</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string Hash { get; set; } = "";

    /// <summary>References after the cursor, in sequence order.</summary>
    [JsonPropertyName("references")]
    [Key("references")]
    public List<ReferenceItem> References { get; set; } = [];

    /// <summary>The cursor to pass as <c>after</c> next time, decimal.</summary>
    [JsonPropertyName("next")]
    [Key("next")]
    public string Next { get; set; } = "";

    /// <summary>Whether more may follow at once.</summary>
    [JsonPropertyName("more")]
    [Key("more")]
    public bool More { get; set; }
}
