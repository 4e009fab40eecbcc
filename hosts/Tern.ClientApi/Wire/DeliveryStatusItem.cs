using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>Where one delivery of a message stands.</summary>
[MessagePackObject]
public sealed class DeliveryStatusItem
{
    /// <summary>The delivery id.</summary>
    [JsonPropertyName("deliveryId")]
    [Key("deliveryId")]
    public string DeliveryId { get; set; } = "";

    /// <summary>The recipient, <c>hash@domain</c>.</summary>
    [JsonPropertyName("to")]
    [Key("to")]
    public string To { get; set; } = "";

    /// <summary><c>pending</c>, <c>fetched</c>, <c>retracted</c>, <c>expired</c> or <c>transferred</c>.</summary>
    [JsonPropertyName("state")]
    [Key("state")]
    public string State { get; set; } = "";

    /// <summary>Notifications sent for it so far (retransmissions included).</summary>
    [JsonPropertyName("notificationsSent")]
    [Key("notificationsSent")]
    public int NotificationsSent { get; set; }

    /// <summary>Whether the recipient's domain fetched every byte (docs/PROTOCOL.md §9).</summary>
    [JsonPropertyName("fetched")]
    [Key("fetched")]
    public bool Fetched { get; set; }

    /// <summary>While the node offers it to a gateway instead of notifying it (a pending delivery its routes send through one); else null.</summary>
    [JsonPropertyName("custody")]
    [Key("custody")]
    public CustodyStatusItem? Custody { get; set; }
}
