namespace Tern.Engine.Custody;

/// <summary>
/// Which deliveries a sender offers to a gateway instead of notifying (docs/PROTOCOL.md §10.5) and how it repeats offers.
/// A node binds <see cref="Routes"/> from <c>Tern:Routes</c> and the rest from <c>Tern:Custody</c>. Kept minimal on
/// purpose: one gateway per destination domain; contact plans come later.
/// </summary>
public sealed class CustodySenderOptions
{
    /// <summary>Destination domain → gateway domain. A destination not listed is notified directly. Defaults to none.</summary>
    public IDictionary<string, string> Routes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Wait before the first repeat of an offer that did not end (no answer, a transient decline). Defaults to 1 s.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two offers of the same blob. Defaults to 5 minutes.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Offers in flight at once. Defaults to 16.</summary>
    public int MaxConcurrentOffers { get; set; } = 16;

    /// <summary>Refuses an out-of-range value with an error naming the option.</summary>
    public void Validate()
    {
        foreach (var (destination, gateway) in Routes)
        {
            if (!IsDomain(destination) || !IsDomain(gateway) || string.Equals(destination, gateway, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"CustodySenderOptions.Routes: '{destination}' → '{gateway}' must map a domain name to another domain name.");
            }
        }

        if (RetryInitial < TimeSpan.FromMilliseconds(1) || RetryMax < RetryInitial)
        {
            throw new ArgumentException($"CustodySenderOptions.RetryInitial = {RetryInitial}, RetryMax = {RetryMax}: need 1 ms ≤ RetryInitial ≤ RetryMax.");
        }

        if (MaxConcurrentOffers < 1)
        {
            throw new ArgumentException($"CustodySenderOptions.MaxConcurrentOffers = {MaxConcurrentOffers}: must be at least 1.");
        }
    }

    private static bool IsDomain(string name) =>
        !string.IsNullOrEmpty(name) && name.Length <= Protocol.DomainName.MaxLength && name.All(char.IsAscii)
        && Protocol.DomainName.IsValid(System.Text.Encoding.ASCII.GetBytes(name.ToLowerInvariant()));
}
