using System.Text.Json.Serialization;

namespace Tern.Node;

/// <summary>The content of <c>state/ports.json</c>: where the running node listens.</summary>
public sealed class NodePorts
{
    /// <summary>The node's domain.</summary>
    [JsonPropertyName("domain")]
    public string Domain { get; init; } = "";

    /// <summary>The node's process id.</summary>
    [JsonPropertyName("pid")]
    public int ProcessId { get; init; }

    /// <summary>The notification port, <c>address:port</c>.</summary>
    [JsonPropertyName("notify")]
    public string Notify { get; init; } = "";

    /// <summary>The further notification ports (<c>Tern:Node:MoreNotifyEndpoints</c>), in their order; empty when none.</summary>
    [JsonPropertyName("moreNotify")]
    public IReadOnlyList<string> MoreNotify { get; init; } = [];

    /// <summary>The framed fetch door, if any.</summary>
    [JsonPropertyName("framed")]
    public string? Framed { get; init; }

    /// <summary>The HTTP fetch door, if any.</summary>
    [JsonPropertyName("http")]
    public string? Http { get; init; }

    /// <summary>A gateway's bulk port (docs/PROTOCOL.md §17), if it has one.</summary>
    [JsonPropertyName("bulk")]
    public string? Bulk { get; init; }

    /// <summary>The client API's listener, if the node has one.</summary>
    [JsonPropertyName("clientApi")]
    public string? ClientApi { get; init; }

    /// <summary>The admin surface's listener, if the node has one.</summary>
    [JsonPropertyName("admin")]
    public string? Admin { get; init; }
}
