using System.Text.Json.Serialization;

namespace Tern.ClientApi.Labels;

/// <summary>A user's label file (<c>clientapi/labels/&lt;user&gt;.json</c>): every stored message's labels, in listing order.</summary>
internal sealed class LabelFile
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("nextOrder")]
    public ulong NextOrder { get; set; } = 1;

    [JsonPropertyName("messages")]
    public List<LabelEntry> Messages { get; set; } = [];
}
