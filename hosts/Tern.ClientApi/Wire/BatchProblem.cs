using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The RFC 9457 problem of one message of a batch: what the single submit would have answered, its field named inside the batch.</summary>
[MessagePackObject]
public sealed class BatchProblem
{
    /// <summary>The kind, <c>urn:tern:c2s:</c> and a name.</summary>
    [JsonPropertyName("type")]
    [Key("type")]
    public string Type { get; set; } = "";

    /// <summary>A short title of the status.</summary>
    [JsonPropertyName("title")]
    [Key("title")]
    public string Title { get; set; } = "";

    /// <summary>The HTTP status the single submit would have answered.</summary>
    [JsonPropertyName("status")]
    [Key("status")]
    public int Status { get; set; }

    /// <summary>What was wrong, for a person.</summary>
    [JsonPropertyName("detail")]
    [Key("detail")]
    public string Detail { get; set; } = "";

    /// <summary>The input that broke a rule, e.g. <c>messages[3].to[0]</c>.</summary>
    [JsonPropertyName("field")]
    [Key("field")]
    public string Field { get; set; } = "";

    /// <summary>The bound it broke, when there is one (a number, or for the expiry its <c>min</c> and <c>max</c>).</summary>
    [JsonPropertyName("limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Key("limit")]
    public object? Limit { get; set; }
}
