using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>POST /v1/messages/batch</c>: one result per message, in order, and the counts.</summary>
[MessagePackObject]
public sealed class BatchResponse
{
    /// <summary>One per message, in the order they came.</summary>
    [JsonPropertyName("results")]
    [Key("results")]
    public List<BatchResult> Results { get; set; } = [];

    /// <summary>Messages stored or replayed (status 201).</summary>
    [JsonPropertyName("submitted")]
    [Key("submitted")]
    public int Submitted { get; set; }

    /// <summary>Messages refused, each with its problem.</summary>
    [JsonPropertyName("failed")]
    [Key("failed")]
    public int Failed { get; set; }
}
