using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Events;

/// <summary>
/// One event of a user's log (docs/C2S.md §15): <see cref="Type"/>, the log's <see cref="Sequence"/> and <see cref="Time"/>,
/// and the fields of its type (the others are null and left out). Build one with the <see cref="UserEvents"/> factories.
/// </summary>
[MessagePackObject]
public sealed class UserEvent
{
    /// <summary>The event's place in the user's log: a decimal string, strictly increasing, never reused.</summary>
    [JsonPropertyName("sequence")]
    [Key("sequence")]
    public string Sequence { get; set; } = "";

    /// <summary>What happened (docs/C2S.md §15): received, pulled, retracted, expired, deleted, labels_changed, delivery_changed, key_changed, hashes_changed, device_changed, policy_changed.</summary>
    [JsonPropertyName("type")]
    [Key("type")]
    public string Type { get; set; } = "";

    /// <summary>When it was appended, RFC 3339 UTC.</summary>
    [JsonPropertyName("time")]
    [Key("time")]
    public string Time { get; set; } = "";

    /// <summary>The recipient hash concerned (received, pulled, hashes_changed).</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string? Hash { get; set; }

    /// <summary>The reference's capability (received, retracted, expired).</summary>
    [JsonPropertyName("capability")]
    [Key("capability")]
    public string? Capability { get; set; }

    /// <summary>The verified sender domain (received).</summary>
    [JsonPropertyName("senderDomain")]
    [Key("senderDomain")]
    public string? SenderDomain { get; set; }

    /// <summary>Payload size in bytes (received).</summary>
    [JsonPropertyName("size")]
    [Key("size")]
    public long? Size { get; set; }

    /// <summary>The payload hash the notification announced (received).</summary>
    [JsonPropertyName("payloadHash")]
    [Key("payloadHash")]
    public string? PayloadHash { get; set; }

    /// <summary>The sender's MIME hint (received).</summary>
    [JsonPropertyName("mimeHint")]
    [Key("mimeHint")]
    public string? MimeHint { get; set; }

    /// <summary>When the reference's transit ends, RFC 3339 UTC (received).</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string? Expires { get; set; }

    /// <summary>The stored message's id (pulled, deleted, labels_changed).</summary>
    [JsonPropertyName("id")]
    [Key("id")]
    public string? Id { get; set; }

    /// <summary>The message's whole label set after the event (pulled, labels_changed).</summary>
    [JsonPropertyName("labels")]
    [Key("labels")]
    public List<string>? Labels { get; set; }

    /// <summary>Whether the message is marked read (labels_changed).</summary>
    [JsonPropertyName("read")]
    [Key("read")]
    public bool? Read { get; set; }

    /// <summary>Whether the retraction came after the fetch (retracted).</summary>
    [JsonPropertyName("afterFetch")]
    [Key("afterFetch")]
    public bool? AfterFetch { get; set; }

    /// <summary>The sent message (delivery_changed).</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string? MessageId { get; set; }

    /// <summary>The delivery of it (delivery_changed).</summary>
    [JsonPropertyName("deliveryId")]
    [Key("deliveryId")]
    public string? DeliveryId { get; set; }

    /// <summary>The delivery's new state: fetched, retracted, expired, transferred (delivery_changed).</summary>
    [JsonPropertyName("state")]
    [Key("state")]
    public string? State { get; set; }

    /// <summary>The user's current key fingerprint (key_changed).</summary>
    [JsonPropertyName("fingerprint")]
    [Key("fingerprint")]
    public string? Fingerprint { get; set; }

    /// <summary>The fingerprint before (key_changed).</summary>
    [JsonPropertyName("previous")]
    [Key("previous")]
    public string? Previous { get; set; }

    /// <summary>Why the key record changed (key_changed).</summary>
    [JsonPropertyName("reason")]
    [Key("reason")]
    public string? Reason { get; set; }

    /// <summary>True when the hash was registered, false when dropped (hashes_changed).</summary>
    [JsonPropertyName("registered")]
    [Key("registered")]
    public bool? Registered { get; set; }

    /// <summary>The device concerned (device_changed).</summary>
    [JsonPropertyName("deviceId")]
    [Key("deviceId")]
    public string? DeviceId { get; set; }

    /// <summary>The device's name (device_changed).</summary>
    [JsonPropertyName("name")]
    [Key("name")]
    public string? Name { get; set; }

    /// <summary>The device's kind: native, gateway or minimal (device_changed).</summary>
    [JsonPropertyName("kind")]
    [Key("kind")]
    public string? Kind { get; set; }

    /// <summary>Whether the device was revoked (device_changed).</summary>
    [JsonPropertyName("revoked")]
    [Key("revoked")]
    public bool? Revoked { get; set; }

    /// <summary>The policy document's entity tag after the change (policy_changed).</summary>
    [JsonPropertyName("etag")]
    [Key("etag")]
    public string? ETag { get; set; }
}
