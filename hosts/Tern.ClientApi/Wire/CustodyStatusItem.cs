using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>
/// A delivery its node is offering to a gateway instead of notifying (docs/PROTOCOL.md §10.5), while the offer is repeated:
/// why it still waits.
/// </summary>
[MessagePackObject]
public sealed class CustodyStatusItem
{
    /// <summary>The gateway its route names.</summary>
    [JsonPropertyName("gateway")]
    [Key("gateway")]
    public string Gateway { get; set; } = "";

    /// <summary>The last answer: <c>none</c> (not yet, or the gateway did not answer), <c>in_progress</c> or <c>declined</c> (offered again later).</summary>
    [JsonPropertyName("answer")]
    [Key("answer")]
    public string Answer { get; set; } = "";

    /// <summary>The decline's reason (docs/PROTOCOL.md §10.3: <c>full</c>, <c>fetch_failed</c>, <c>sender_unknown</c>), if declined.</summary>
    [JsonPropertyName("reason")]
    [Key("reason")]
    public string? Reason { get; set; }

    /// <summary>The gateway's detail of the decline, or why no answer came.</summary>
    [JsonPropertyName("detail")]
    [Key("detail")]
    public string? Detail { get; set; }

    /// <summary>Offers sent so far.</summary>
    [JsonPropertyName("offers")]
    [Key("offers")]
    public int Offers { get; set; }
}
