using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The user's submitted messages not yet expired, oldest first.</summary>
[MessagePackObject]
public sealed class MessageList
{
    /// <summary>The messages.</summary>
    [JsonPropertyName("messages")]
    [Key("messages")]
    public List<MessageStatus> Messages { get; set; } = [];
}
