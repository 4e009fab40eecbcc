using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The user's stored messages.</summary>
[MessagePackObject]
public sealed class StoredList
{
    /// <summary>The messages, oldest first.</summary>
    [JsonPropertyName("messages")]
    [Key("messages")]
    public List<StoredItem> Messages { get; set; } = [];

    /// <summary>The cursor to pass as <c>after</c> for the next page.</summary>
    [JsonPropertyName("next")]
    [Key("next")]
    public string Next { get; set; } = "0";

    /// <summary>Whether more messages follow <see cref="Next"/>.</summary>
    [JsonPropertyName("more")]
    [Key("more")]
    public bool More { get; set; }
}
