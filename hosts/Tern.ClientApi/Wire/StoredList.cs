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
}
