using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The answer to a submit: the message id and a delivery per recipient (docs/CLIENT-API.md).</summary>
[MessagePackObject]
public sealed class SubmitResponse
{
    /// <summary>The message id (docs/PROTOCOL.md §7), base64url.</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string MessageId { get; set; } = "";

    /// <summary>Bytes stored.</summary>
    [JsonPropertyName("size")]
    [Key("size")]
    public long Size { get; set; }

    /// <summary>The payload hash (docs/PROTOCOL.md §4.8), base64url.</summary>
    [JsonPropertyName("payloadHash")]
    [Key("payloadHash")]
    public string PayloadHash { get; set; } = "";

    /// <summary>The transit expiry, RFC 3339 UTC.</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string Expires { get; set; } = "";

    /// <summary>One per recipient, in the order they were named.</summary>
    [JsonPropertyName("deliveries")]
    [Key("deliveries")]
    public List<DeliveryCreated> Deliveries { get; set; } = [];
}
