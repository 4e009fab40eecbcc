namespace Tern.Cli.Demo;

/// <summary>How the demo's nodes find each other (docs/DISCOVERY.md §2).</summary>
internal enum DemoDiscovery
{
    /// <summary>DNS TXT and SRV <c>_tern._udp</c>/<c>_tern._tcp</c>, then the signed descriptor over HTTPS: the whole chain.</summary>
    Dns,

    /// <summary>DNS TXT and addresses but no SRV records: the endpoints come from the well-known descriptor.</summary>
    WellKnown,

    /// <summary>No DNS at all: each node's static peers file lists the other's signed descriptor.</summary>
    StaticPeers,
}
