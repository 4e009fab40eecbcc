using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>A reserved message id (docs/C2S.md §6): the envelopes the client signs carry it before any byte is uploaded.</summary>
[MessagePackObject]
public sealed class ReservationCreated
{
    /// <summary>The message id (docs/PROTOCOL.md §7), base64url.</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string MessageId { get; set; } = "";

    /// <summary>When the reservation lapses if its message is not sent (RFC 3339).</summary>
    [JsonPropertyName("reservationExpires")]
    [Key("reservationExpires")]
    public string ReservationExpires { get; set; } = "";

    /// <summary>Where to PUT the blob.</summary>
    [JsonPropertyName("upload")]
    [Key("upload")]
    public string Upload { get; set; } = "";
}
