using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The body of <c>PATCH /v1/stored/{id}</c>: labels to add and remove, and the read state (docs/C2S.md §8).</summary>
public sealed class LabelRequest
{
    /// <summary>Labels to add (at most 32).</summary>
    [JsonPropertyName("add")]
    public List<string>? Add { get; set; }

    /// <summary>Labels to remove (applied after the adds).</summary>
    [JsonPropertyName("remove")]
    public List<string>? Remove { get; set; }

    /// <summary>The read state to set; absent leaves it.</summary>
    [JsonPropertyName("read")]
    public bool? Read { get; set; }
}
