using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Notify;

/// <summary>
/// Knobs of the <see cref="NotificationScheduler"/> (docs/PROTOCOL.md §4.6, §11; docs/ARCHITECTURE.md §4). Validated when
/// the scheduler is created, which refuses a bad value with an error naming the option.
/// </summary>
public sealed class NotificationSchedulerOptions
{
    /// <summary>Protocol retransmissions of a retraction notice (docs/PROTOCOL.md §11).</summary>
    public const int ProtocolMaxRetractionRetransmissions = 8;

    /// <summary>
    /// The gateway role (docs/PROTOCOL.md §10.6): every blob in the transit store is held for the domain that is its account,
    /// and its records carry that domain as <c>sender_domain</c> with <c>via_gateway</c> set, under this node's own key.
    /// Defaults to false: records carry this node's domain and no flag.
    /// </summary>
    public bool OnBehalfOfAccounts { get; set; }

    /// <summary>Fetch URIs carried in every notification record (docs/PROTOCOL.md §8.5), at most 4. Defaults to none.</summary>
    public IReadOnlyList<string> FetchHints { get; set; } = [];

    /// <summary>
    /// Interval before the first retransmission; later ones double. Defaults to the protocol's 2 s; shorter values are
    /// for tests and emulated links.
    /// </summary>
    public TimeSpan InitialRetransmitInterval { get; set; } = NotificationLimits.InitialRetransmitInterval;

    /// <summary>Longest interval between two transmissions, at most the protocol's 3600 s. Defaults to 3600 s.</summary>
    public TimeSpan MaxRetransmitInterval { get; set; } = NotificationLimits.MaxRetransmitInterval;

    /// <summary>
    /// Retransmissions of a retraction notice after the first transmission, 0–8 (docs/PROTOCOL.md §11). Defaults to 8.
    /// </summary>
    public int RetractionRetransmissions { get; set; } = ProtocolMaxRetractionRetransmissions;

    /// <summary>
    /// Resolution of the timing wheel: entries due within one tick go out together, packed per peer, so this is also the
    /// window in which records for one domain share a datagram. Defaults to 50 ms.
    /// </summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Slots of the timing wheel (a power of two); one turn spans slots × tick. Defaults to 65 536 (about 55 min).</summary>
    public int WheelSlots { get; set; } = 1 << 16;

    /// <summary>Entries the wheel holds before it first grows. Defaults to 1 024.</summary>
    public int InitialWheelCapacity { get; set; } = 1024;

    /// <summary>Records per datagram, 1–32 (docs/PROTOCOL.md §4.1); the 1200-byte limit may cut a datagram shorter. Defaults to 32.</summary>
    public int MaxRecordsPerDatagram { get; set; } = NotificationLimits.MaxRecords;

    /// <summary>
    /// Due records handled in one round; the rest wait for the next round (a tick later). Bounds the memory and the
    /// length of a round when a large backlog comes due at once, e.g. at start after downtime. Defaults to 65 536.
    /// </summary>
    public int MaxRecordsPerRound { get; set; } = 65_536;

    /// <summary>
    /// Due records a round run on the scheduling thread may handle: when a submission is scheduled while the loop is
    /// between rounds, its first notifications are sealed and sent right there instead of after waking the loop's thread
    /// (a wake costs tens of microseconds to a tenth of a millisecond on a small machine, on every message's path). Older
    /// due records come first; what the budget leaves, and everything while the loop is in a round, is the loop's.
    /// 0 leaves every round to the loop; at most <see cref="MaxRecordsPerRound"/> count. Defaults to 64.
    /// </summary>
    public int InlineRoundRecords { get; set; } = 64;

    /// <summary>
    /// Datagrams per second sent to one peer; records over the budget wait for the next round. Keeps a backlog (a start
    /// after downtime, a bulk submission) under the receiver's per-source rate limit, whose default is 5 000/s
    /// (docs/PROTOCOL.md §4.4 <c>over_rate</c>). Defaults to 2 000.
    /// </summary>
    public double PeerDatagramsPerSecond { get; set; } = 2_000;

    /// <summary>Datagrams one peer may receive in a burst above <see cref="PeerDatagramsPerSecond"/>. Defaults to 4 000.</summary>
    public double PeerDatagramBurst { get; set; } = 4_000;

    /// <summary>
    /// How long a resolved peer (key and endpoint) is used before it is resolved again; sooner when the resolver's answer
    /// says it holds for less (<see cref="NotificationPeer.ValidFor"/>: discovery's TTL). Defaults to 5 minutes.
    /// </summary>
    public TimeSpan PeerRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When a peer cannot be resolved, its due entries wait this long and try again (their attempt number does not
    /// advance: nothing was sent). Defaults to 30 s.
    /// </summary>
    public TimeSpan PeerRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate(int senderDomainLength, int encodedHintsLength)
    {
        Require(FetchHints is not null && FetchHints.Count <= NotificationLimits.MaxFetchHints, nameof(FetchHints), FetchHints?.Count ?? -1, $"at most {NotificationLimits.MaxFetchHints} URIs");
        Require(InitialRetransmitInterval >= TimeSpan.FromMilliseconds(1), nameof(InitialRetransmitInterval), InitialRetransmitInterval, "at least 1 ms");
        Require(MaxRetransmitInterval >= InitialRetransmitInterval && MaxRetransmitInterval <= NotificationLimits.MaxRetransmitInterval, nameof(MaxRetransmitInterval), MaxRetransmitInterval, $"between InitialRetransmitInterval and {NotificationLimits.MaxRetransmitInterval} (docs/PROTOCOL.md §4.6)");
        Require(RetractionRetransmissions is >= 0 and <= ProtocolMaxRetractionRetransmissions, nameof(RetractionRetransmissions), RetractionRetransmissions, $"between 0 and {ProtocolMaxRetractionRetransmissions} (docs/PROTOCOL.md §11)");
        Require(TickInterval >= TimeSpan.FromMilliseconds(1) && TickInterval <= TimeSpan.FromSeconds(1), nameof(TickInterval), TickInterval, "between 1 ms and 1 s");
        Require(WheelSlots >= 2 && (WheelSlots & (WheelSlots - 1)) == 0 && WheelSlots <= 1 << 24, nameof(WheelSlots), WheelSlots, "a power of two between 2 and 2^24");
        Require(InitialWheelCapacity >= 1, nameof(InitialWheelCapacity), InitialWheelCapacity, "at least 1");
        Require(MaxRecordsPerDatagram is >= 1 and <= NotificationLimits.MaxRecords, nameof(MaxRecordsPerDatagram), MaxRecordsPerDatagram, $"between 1 and {NotificationLimits.MaxRecords}");
        Require(MaxRecordsPerRound >= 1, nameof(MaxRecordsPerRound), MaxRecordsPerRound, "at least 1");
        Require(InlineRoundRecords >= 0, nameof(InlineRoundRecords), InlineRoundRecords, "0 (none) or positive");
        Require(PeerDatagramsPerSecond > 0, nameof(PeerDatagramsPerSecond), PeerDatagramsPerSecond, "positive");
        Require(PeerDatagramBurst >= 1, nameof(PeerDatagramBurst), PeerDatagramBurst, "at least 1");
        Require(PeerRefreshInterval >= TimeSpan.FromSeconds(1), nameof(PeerRefreshInterval), PeerRefreshInterval, "at least 1 s");
        Require(PeerRetryInterval >= TimeSpan.FromMilliseconds(1), nameof(PeerRetryInterval), PeerRetryInterval, "at least 1 ms");

        // The largest record this node can write (longest MIME hint) must fit an otherwise empty datagram.
        var largest = NotificationLimits.NotificationFixedSize + 1 + senderDomainLength + 1 + NotificationLimits.MaxMimeHintLength + 1 + encodedHintsLength;
        Require(2 + largest <= NotificationLimits.MaxBodySize - NotificationLimits.BodyHeaderSize, nameof(FetchHints), encodedHintsLength, $"short enough that a record fits a datagram (hints of at most {NotificationLimits.MaxBodySize - NotificationLimits.BodyHeaderSize - 2 - (largest - encodedHintsLength)} encoded bytes with this domain)");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"NotificationSchedulerOptions.{name} is {value}; it must be {expected}.");
        }
    }
}
