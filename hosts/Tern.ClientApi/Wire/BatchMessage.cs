using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One message of a batch submit (docs/C2S.md §6): what <c>POST /v1/messages</c> takes in its query, headers and body.</summary>
[MessagePackObject]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class BatchMessage
{
    /// <summary>The recipients, <c>hash@domain</c> (1 to MaxRecipients, no duplicates).</summary>
    [JsonPropertyName("to")]
    [Key("to")]
    public string[]? To { get; set; }

    /// <summary>The transit expiry, RFC 3339 with its offset; absent, now + DefaultTransit.</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string? Expires { get; set; }

    /// <summary>The MIME hint carried in the notification.</summary>
    [JsonPropertyName("mime")]
    [Key("mime")]
    public string? Mime { get; set; }

    /// <summary>As the single submit's <c>Idempotency-Key</c>: a retry with the same key gets the first answer.</summary>
    [JsonPropertyName("idempotencyKey")]
    [Key("idempotencyKey")]
    public string? IdempotencyKey { get; set; }

    /// <summary>The message's bytes: base64 in JSON, bin in MessagePack.</summary>
    [JsonPropertyName("body")]
    [Key("body")]
    public byte[]? Body { get; set; }
}
