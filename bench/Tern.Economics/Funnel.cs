namespace Tern.Economics;

/// <summary>
/// A campaign's funnel: deliveries notified by the sender, references filed by the recipient, blobs pulled; and the
/// pulls the recipient's queue deferred (full queue or sender domain share: the reference stayed pending, unpulled).
/// </summary>
internal sealed record Funnel(long Sent, long Filed, long Pulled, long Deferred)
{
    /// <summary>Filed / sent, or NaN with nothing sent.</summary>
    public double FiledShare => Sent == 0 ? double.NaN : (double)Filed / Sent;

    /// <summary>Pulled / filed, or NaN with nothing filed.</summary>
    public double PulledShare => Filed == 0 ? double.NaN : (double)Pulled / Filed;

    /// <summary>Filed = still pending + pulled (a pulled reference leaves the pending table).</summary>
    public static Funnel Of(long sent, long pendingAdded, long pulled, long deferred) => new(sent, pendingAdded + pulled, pulled, deferred);
}
