using System.Text.Json.Serialization;

namespace Tern.ClientApi.Labels;

/// <summary>A user's label file (<c>clientapi/labels/&lt;user&gt;.json</c>): every stored message's labels, in listing order.</summary>
internal sealed class LabelFile
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    /// <summary>
    /// No order at or above it was handed out when the file was written: the index reserves orders ahead of the messages
    /// it stores (<see cref="UserLabels.Ceiling"/>), so after a crash the messages this file lacks are listed after
    /// any cursor a client holds.
    /// </summary>
    [JsonPropertyName("nextOrder")]
    public ulong NextOrder { get; set; } = 1;

    [JsonPropertyName("messages")]
    public List<LabelEntry> Messages { get; set; } = [];
}
