using System.Text.Json.Serialization;

namespace Tern.ClientApi.Reservations;

/// <summary>
/// A message id reserved before its blob is uploaded (docs/C2S.md §6): its owner, when it lapses unused, the total the
/// client declared (if it did), and whether it was sent. Kept as <c>{messageId}.json</c> beside the upload,
/// <c>{messageId}.part</c>, whose length is what has been received.
/// </summary>
internal sealed class Reservation
{
    [JsonPropertyName("user")]
    public string User { get; set; } = "";

    [JsonPropertyName("messageId")]
    public string MessageId { get; set; } = "";

    [JsonPropertyName("createdMs")]
    public long CreatedMs { get; set; }

    /// <summary>When an unsent reservation lapses; once sent, when the message's transit expiry ends it.</summary>
    [JsonPropertyName("expiresMs")]
    public long ExpiresMs { get; set; }

    /// <summary>The blob's length as a <c>Content-Range</c> declared it; null until one did.</summary>
    [JsonPropertyName("total")]
    public long? Total { get; set; }

    /// <summary>True once the message was handed to the transit store under this id.</summary>
    [JsonPropertyName("sent")]
    public bool Sent { get; set; }

    /// <summary>Serialises uploads and the send of one reservation; held for the length of one request.</summary>
    [JsonIgnore]
    public SemaphoreSlim Busy { get; } = new(1, 1);
}
