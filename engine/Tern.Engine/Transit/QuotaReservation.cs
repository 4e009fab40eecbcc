namespace Tern.Engine.Transit;

/// <summary>
/// Bytes an in-flight submission holds against its account's and destination domains' quotas, so that concurrent
/// submissions cannot together overshoot a limit. Mutated under the store's index lock.
/// </summary>
internal sealed class QuotaReservation
{
    public QuotaReservation(string account, string[] domains, int[] deliveriesPerDomain)
    {
        Account = account;
        Domains = domains;
        DeliveriesPerDomain = deliveriesPerDomain;
    }

    public string Account { get; }

    /// <summary>Distinct destination domains of the submission.</summary>
    public string[] Domains { get; }

    /// <summary>Deliveries to each of <see cref="Domains"/>: a domain is charged the size once per delivery.</summary>
    public int[] DeliveriesPerDomain { get; }

    /// <summary>Blob bytes reserved so far.</summary>
    public long Bytes { get; set; }
}
