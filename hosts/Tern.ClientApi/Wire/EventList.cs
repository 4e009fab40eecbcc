using System.Text.Json.Serialization;
using MessagePack;
using Tern.ClientApi.Events;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>GET /v1/events</c> (docs/C2S.md §15).</summary>
[MessagePackObject]
public sealed class EventList
{
    /// <summary>The events after the cursor, in sequence order.</summary>
    [JsonPropertyName("events")]
    [Key("events")]
    public List<UserEvent> Events { get; set; } = [];

    /// <summary>The cursor to pass as <c>after</c> next.</summary>
    [JsonPropertyName("next")]
    [Key("next")]
    public string Next { get; set; } = "0";

    /// <summary>Whether more events follow <see cref="Next"/> already.</summary>
    [JsonPropertyName("more")]
    [Key("more")]
    public bool More { get; set; }
}
