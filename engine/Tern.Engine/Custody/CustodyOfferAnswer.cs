namespace Tern.Engine.Custody;

/// <summary>What the last exchange of an offer still being repeated gave (<see cref="CustodyOfferStatus"/>).</summary>
public enum CustodyOfferAnswer
{
    /// <summary>Not offered yet, or no answer came (the gateway unreachable, no descriptor, a malformed answer).</summary>
    None = 0,

    /// <summary>The gateway is fetching the blob (<c>in_progress</c>).</summary>
    InProgress = 1,

    /// <summary>A transient decline (<c>full</c>, <c>fetch_failed</c>, <c>sender_unknown</c>): offered again later.</summary>
    Declined = 2,
}
