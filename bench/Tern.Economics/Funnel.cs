namespace Tern.Economics;

/// <summary>A campaign's funnel: deliveries notified by the sender, references filed by the recipient, blobs pulled.</summary>
internal sealed record Funnel(long Sent, long Filed, long Pulled)
{
    /// <summary>Filed / sent, or NaN with nothing sent.</summary>
    public double FiledShare => Sent == 0 ? double.NaN : (double)Filed / Sent;

    /// <summary>Pulled / filed, or NaN with nothing filed.</summary>
    public double PulledShare => Filed == 0 ? double.NaN : (double)Pulled / Filed;

    /// <summary>Filed = still pending + pulled (a pulled reference leaves the pending table).</summary>
    public static Funnel Of(long sent, long pendingAdded, long pulled) => new(sent, pendingAdded + pulled, pulled);
}
