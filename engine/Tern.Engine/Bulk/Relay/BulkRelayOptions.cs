namespace Tern.Engine.Bulk;

/// <summary>
/// Which destinations a gateway carries to a peer gateway by bulk transfer, and how it waits between contacts
/// (docs/OPERATIONS.md, "Bulk next hops"; section <c>Tern:Gateway:Bulk</c>: <c>NextHops</c>, <c>RetryInterval</c>).
/// Validated at start.
/// </summary>
public sealed class BulkRelayOptions
{
    /// <summary>
    /// Destination domain → peer gateway: the deliveries of blobs this gateway holds for the destination are not notified
    /// from here but carried to the peer gateway in bulk sessions over the contact plan's contacts to it (docs/PROTOCOL.md
    /// §17.1), and the peer notifies and serves in their senders' place. Defaults to none.
    /// </summary>
    public IDictionary<string, string> NextHops { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long a peer's sessions wait before trying again when the peer's bulk address cannot be resolved, or its plan
    /// names no window to come (a reload wakes them sooner). Defaults to 30 s.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws for a value out of range, naming the option.</summary>
    public void Validate()
    {
        foreach (var (destination, gateway) in NextHops)
        {
            if (!Protocol.DomainName.IsValid(System.Text.Encoding.UTF8.GetBytes(destination ?? "")) || !Protocol.DomainName.IsValid(System.Text.Encoding.UTF8.GetBytes(gateway ?? "")))
            {
                throw new ArgumentException($"BulkRelayOptions.NextHops = {destination}={gateway}: must map a domain name to a gateway's domain name.");
            }
        }

        if (RetryInterval < TimeSpan.FromMilliseconds(1) || RetryInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"BulkRelayOptions.RetryInterval = {RetryInterval}: must be between 1 ms and 1 hour.");
        }
    }
}
