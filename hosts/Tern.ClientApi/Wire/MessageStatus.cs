using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>A submitted message and its deliveries.</summary>
[MessagePackObject]
public sealed class MessageStatus
{
    /// <summary>The message id.</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string MessageId { get; set; } = "";

    /// <summary>Bytes stored.</summary>
    [JsonPropertyName("size")]
    [Key("size")]
    public long Size { get; set; }

    /// <summary>The payload hash.</summary>
    [JsonPropertyName("payloadHash")]
    [Key("payloadHash")]
    public string PayloadHash { get; set; } = "";

    /// <summary>When it was submitted, RFC 3339 UTC.</summary>
    [JsonPropertyName("submitted")]
    [Key("submitted")]
    public string Submitted { get; set; } = "";

    /// <summary>The transit expiry, RFC 3339 UTC.</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string Expires { get; set; } = "";

    /// <summary>The MIME hint, if any.</summary>
    [JsonPropertyName("mimeHint")]
    [Key("mimeHint")]
    public string? MimeHint { get; set; }

    /// <summary>One per recipient.</summary>
    [JsonPropertyName("deliveries")]
    [Key("deliveries")]
    public List<DeliveryStatusItem> Deliveries { get; set; } = [];
}
