using Tern.Engine.Protocol.Custody;

namespace Tern.Engine.Custody;

/// <summary>
/// Where a sender's offer of one blob's deliveries to a gateway stands while it is repeated (docs/PROTOCOL.md §10.5): the
/// gateway, and what the last exchange gave — no answer yet, <c>in_progress</c>, or a transient decline and its detail.
/// </summary>
/// <param name="Gateway">The gateway domain the route names.</param>
/// <param name="Answer">The last exchange's outcome.</param>
/// <param name="Reason">The reason of a decline; null otherwise.</param>
/// <param name="Detail">The gateway's detail of a decline, or why no answer came; null when there is none.</param>
/// <param name="Offers">Offers sent so far for it by this process.</param>
public readonly record struct CustodyOfferStatus(string Gateway, CustodyOfferAnswer Answer, CustodyDeclineReason? Reason, string? Detail, int Offers);
