using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The body of <c>POST /v1/messages/batch</c> (docs/C2S.md §6).</summary>
[MessagePackObject]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class BatchRequest
{
    /// <summary>1 to MaxBatchMessages messages, each submitted on its own.</summary>
    [JsonPropertyName("messages")]
    [Key("messages")]
    public List<BatchMessage?>? Messages { get; set; }
}
