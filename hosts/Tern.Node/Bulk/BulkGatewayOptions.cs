namespace Tern.Node;

/// <summary>
/// A gateway's bulk transfer (docs/PROTOCOL.md §17, docs/OPERATIONS.md "Bulk next hops"; section <c>Tern:Gateway:Bulk</c>,
/// with the sender's knobs under <c>:Sender</c> and the receiver's limits and allow list under <c>:Receiver</c>). Only a
/// node in the Gateway role opens the port. Validated at start.
/// </summary>
public sealed class BulkGatewayOptions
{
    /// <summary>
    /// The bulk UDP port, <c>address:port</c> (port 0 for any); empty for none. Its address is published in the
    /// descriptor's <c>bulk</c> field. Defaults to empty.
    /// </summary>
    public string Endpoint { get; set; } = "";

    /// <summary>
    /// What the descriptor's <c>bulk</c> field publishes (<c>udp://host:port</c>, at most 8), when the bound address is not
    /// what peers reach (NAT, a name). Defaults to empty: <c>udp://</c> and the bound address.
    /// </summary>
    public IList<string> Advertise { get; } = [];

    /// <summary>
    /// Destination domain → peer gateway: blobs this gateway holds for the destination are carried to the peer by bulk in
    /// the contact plan's windows to it, instead of notified from here (<c>BulkRelayOptions.NextHops</c>). Needs
    /// <see cref="Endpoint"/>. Defaults to none.
    /// </summary>
    public IDictionary<string, string> NextHops { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a next hop's loop waits to try again when the peer has no bulk address or no window to come. Defaults to 30 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The socket's kernel send and receive buffers, in bytes. Defaults to 8 MiB.</summary>
    public int SocketBufferBytes { get; set; } = 8 << 20;

    /// <summary>Refuses an out-of-range value with an error naming the option.</summary>
    public void Validate()
    {
        if (Endpoint.Length > 0 && !NodeEndpoints.TryParse(Endpoint, out _))
        {
            throw new ArgumentException($"BulkGatewayOptions.Endpoint = {Endpoint}: must be an IP address and a port, e.g. 0.0.0.0:7404 or [::]:7404, or empty for no bulk port.");
        }

        if (NextHops.Count > 0 && Endpoint.Length == 0)
        {
            throw new ArgumentException($"BulkGatewayOptions.NextHops = {string.Join(',', NextHops.Keys)}: needs a bulk port to send from (set Endpoint).");
        }

        if (Advertise.Count > 8 || Advertise.Any(a => !Tern.Engine.Bulk.DescriptorBulkPeers.TryParse(a, out _, out _) || a.Length > 200))
        {
            throw new ArgumentException($"BulkGatewayOptions.Advertise = {string.Join(',', Advertise)}: must be at most 8 entries of the form udp://host:port.");
        }

        if (SocketBufferBytes < 64 << 10)
        {
            throw new ArgumentException($"BulkGatewayOptions.SocketBufferBytes = {SocketBufferBytes}: must be at least 65536.");
        }

        Relay().Validate();
    }

    /// <summary>The relay's options: the next hops and the retry interval.</summary>
    public Tern.Engine.Bulk.BulkRelayOptions Relay()
    {
        var relay = new Tern.Engine.Bulk.BulkRelayOptions { RetryInterval = RetryInterval };
        foreach (var (destination, gateway) in NextHops)
        {
            relay.NextHops[destination] = gateway;
        }

        return relay;
    }
}
