using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>What a retraction did (docs/PROTOCOL.md §11).</summary>
[MessagePackObject]
public sealed class RetractResponse
{
    /// <summary>The message id.</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string MessageId { get; set; } = "";

    /// <summary>Deliveries retracted before their fetch: their capabilities answer not-found from now on.</summary>
    [JsonPropertyName("retracted")]
    [Key("retracted")]
    public List<string> Retracted { get; set; } = [];

    /// <summary>Deliveries fetched before the retraction (their recipients are told with <c>after_fetch</c>).</summary>
    [JsonPropertyName("alreadyFetched")]
    [Key("alreadyFetched")]
    public List<string> AlreadyFetched { get; set; } = [];
}
