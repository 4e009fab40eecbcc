namespace Tern.Engine.Bulk;

/// <summary>What became of one blob handed to <see cref="BulkSender.EnqueueAsync"/>.</summary>
public enum BulkBlobOutcome
{
    /// <summary>Covered by a verified session receipt: its deliveries are Transferred at the sender.</summary>
    Transferred,

    /// <summary>Declined before the session: it cannot arrive before its expiry, has no Outstanding delivery there, or is over the session's limits.</summary>
    Declined,

    /// <summary>Carried, but the receipt does not cover it (the receiving gateway refused it): it stays with the sender.</summary>
    NotAccepted,

    /// <summary>Its session was cancelled (§17.6): it stays with the sender, Outstanding, to go in a later session.</summary>
    Cancelled,

    /// <summary>
    /// Its session reached its deadline after the receiver reported the block whole, without the receipt (§17.6, a late
    /// receipt): the receiver holds every byte and is committing. It stays Outstanding with the sender, which still takes
    /// the session's receipt until <see cref="BulkSessionResult.LateReceiptUntil"/>; carried again only after that.
    /// </summary>
    Unanswered,
}
