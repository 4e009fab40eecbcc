namespace Tern.Admin.Wire;

/// <summary>
/// One contact of the plan: its definition, its windows around now, and — for a contact from this node — what the node holds
/// for its destination and how much of the planned link it used today (docs/OPERATIONS.md, "Contact plans").
/// </summary>
/// <param name="Contact">The contact's id.</param>
/// <param name="Source">The sending domain.</param>
/// <param name="Destination">The receiving domain.</param>
/// <param name="RateBitsPerSecond">The link's rate in the contact's windows.</param>
/// <param name="OneWayLightTimeSeconds">The one-way light time.</param>
/// <param name="RepeatEverySeconds">The period of a repeated contact; null for a single window.</param>
/// <param name="Cycles">The windows in all; null when repeated forever.</param>
/// <param name="Open">The window open now, if any.</param>
/// <param name="Next">The next window to open after now, if any.</param>
/// <param name="BytesHeld">Bytes of the Outstanding deliveries to the destination (each delivery counted).</param>
/// <param name="BytesNearExpiry">Of those, the bytes that expire before the destination's current or next window closes.</param>
/// <param name="ReceiptsOutstanding">Blobs with an Outstanding delivery to the destination: receipts signed and not yet discharged.</param>
/// <param name="PlannedBytesToday">What the contact's windows carry at its rate from midnight UTC to now.</param>
/// <param name="SentBytesToday">What this node sent to the destination in the contact's windows today: notification datagrams and fetched blobs.</param>
/// <param name="LinkUseToday">SentBytesToday / PlannedBytesToday; null while nothing was planned.</param>
public sealed record ContactItem(
    string Contact,
    string Source,
    string Destination,
    long RateBitsPerSecond,
    double OneWayLightTimeSeconds,
    double? RepeatEverySeconds,
    long? Cycles,
    ContactSpan? Open,
    ContactSpan? Next,
    long BytesHeld,
    long BytesNearExpiry,
    long ReceiptsOutstanding,
    long PlannedBytesToday,
    long SentBytesToday,
    double? LinkUseToday);
