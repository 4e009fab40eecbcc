using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One recipient of a submitted message.</summary>
[MessagePackObject]
public sealed class DeliveryCreated
{
    /// <summary>The delivery id (status and retraction name deliveries by it).</summary>
    [JsonPropertyName("deliveryId")]
    [Key("deliveryId")]
    public string DeliveryId { get; set; } = "";

    /// <summary>The recipient, <c>hash@domain</c>.</summary>
    [JsonPropertyName("to")]
    [Key("to")]
    public string To { get; set; } = "";
}
