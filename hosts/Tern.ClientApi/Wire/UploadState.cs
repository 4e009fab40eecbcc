using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>How much of a reservation's blob the node holds (docs/C2S.md §6); the same number is in <c>Upload-Offset</c>.</summary>
[MessagePackObject]
public sealed class UploadState
{
    /// <summary>The reserved message id.</summary>
    [JsonPropertyName("messageId")]
    [Key("messageId")]
    public string MessageId { get; set; } = "";

    /// <summary>Bytes received, from the start of the blob without a gap: the next upload starts here.</summary>
    [JsonPropertyName("received")]
    [Key("received")]
    public long Received { get; set; }

    /// <summary>The blob's length as a <c>Content-Range</c> declared it, or null when none did.</summary>
    [JsonPropertyName("total")]
    [Key("total")]
    public long? Total { get; set; }

    /// <summary>True when <see cref="Received"/> is the declared total (or no total was declared and a whole-body PUT ended).</summary>
    [JsonPropertyName("complete")]
    [Key("complete")]
    public bool Complete { get; set; }
}
