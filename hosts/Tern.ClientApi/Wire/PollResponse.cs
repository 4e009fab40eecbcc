using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One page of a recipient hash's pending references.</summary>
[MessagePackObject]
public sealed class PollResponse
{
    /// <summary>The recipient hash polled; null for a listing across all the user's hashes.</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string? Hash { get; set; }

    /// <summary>References after the cursor, in sequence order (across all hashes: in the order the user's event log told them).</summary>
    [JsonPropertyName("references")]
    [Key("references")]
    public List<ReferenceItem> References { get; set; } = [];

    /// <summary>The cursor to pass as <c>after</c> next time, decimal: a sequence of the hash's, or across all hashes one of the user's event log.</summary>
    [JsonPropertyName("next")]
    [Key("next")]
    public string Next { get; set; } = "";

    /// <summary>Whether more may follow at once.</summary>
    [JsonPropertyName("more")]
    [Key("more")]
    public bool More { get; set; }
}
