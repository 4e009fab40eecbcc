using System.Text.Json.Nodes;

namespace Tern.Cli.Demo;

/// <summary>How <see cref="DemoCluster"/> sets its two nodes up.</summary>
internal sealed class DemoClusterOptions
{
    /// <summary>How the nodes find each other. Defaults to <see cref="DemoDiscovery.Dns"/>.</summary>
    public DemoDiscovery Discovery { get; init; } = DemoDiscovery.Dns;

    /// <summary>
    /// The fetch door the sender announces (fetch hints, SRV <c>_tern._tcp</c>, descriptor) instead of its own, as
    /// <c>host:port</c>: a test puts a throttling proxy there. Defaults to null: the node's framed door.
    /// </summary>
    public string? SenderFetchDoor { get; init; }

    /// <summary>The longest retransmission interval of the delivery scheduler. Defaults to 2 s, so the demo sees a few.</summary>
    public TimeSpan MaxRetransmitInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Settings written over the demo's own for a.example, keyed as <c>Tern:Discovery:MinTtl</c> (a null value removes one). Defaults to none.</summary>
    public IReadOnlyDictionary<string, JsonNode?> SenderSettings { get; init; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>Settings written over the demo's own for b.example, as <see cref="SenderSettings"/>. Defaults to none.</summary>
    public IReadOnlyDictionary<string, JsonNode?> RecipientSettings { get; init; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
}
