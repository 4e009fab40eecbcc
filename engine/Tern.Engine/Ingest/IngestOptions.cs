using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>Knobs of the notification ingest (docs/PROTOCOL.md §4.4). Validated by <see cref="Validate"/>.</summary>
public sealed class IngestOptions
{
    /// <summary>
    /// Verified sender keys (a datagram opened under them) whose derived receive key is cached; only another verified
    /// key can evict one. Defaults to 65 536 (8.5 MiB).
    /// </summary>
    public int PeerKeyCacheCapacity { get; set; } = 65_536;

    /// <summary>
    /// Keys derived for a datagram that did not open, kept apart so that their next datagram costs no X25519; they never
    /// displace a verified or known key. Defaults to 1 024.
    /// </summary>
    public int ProbationCapacity { get; set; } = 1_024;

    /// <summary>
    /// Datagrams per second one source (an IPv4 address or an IPv6 /64, <see cref="SourcePrefix"/>) may send before drops
    /// (<c>over_rate</c>). Defaults to 5 000.
    /// </summary>
    public double DatagramsPerSecondPerSource { get; set; } = 5_000;

    /// <summary>Burst allowance per source. Defaults to 10 000 datagrams.</summary>
    public double DatagramBurstPerSource { get; set; } = 10_000;

    /// <summary>New sender keys (one X25519 each) accepted per second in all. Defaults to 2 000, about a tenth of a core.</summary>
    public double ColdKeysPerSecond { get; set; } = 2_000;

    /// <summary>
    /// The share of <see cref="ColdKeysPerSecond"/> kept for a source sending again a key the rest of the budget had no
    /// room for (a sender retransmitting): random forged keys never repeat, so they cannot spend it. Defaults to 0.25.
    /// </summary>
    public double ColdKeyRetryShare { get; set; } = 0.25;

    /// <summary>New sender keys accepted per second from one source (an IPv4 address or an IPv6 /64). Defaults to 20.</summary>
    public double ColdKeysPerSecondPerSource { get; set; } = 20;

    /// <summary>
    /// How long a source whose new key did not open its datagram gets no other new key; doubled for each further failure
    /// (forgiven when one of its keys opens), at most <see cref="MaxColdKeyFailurePenalty"/>, each time × a random factor
    /// in [0.5, 1]. Defaults to 60 s.
    /// </summary>
    public TimeSpan ColdKeyFailurePenalty { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest <see cref="ColdKeyFailurePenalty"/> after repeated failures. Defaults to 1 h, the protocol's longest retransmission interval.</summary>
    public TimeSpan MaxColdKeyFailurePenalty { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Slots of the per-source tables (memory is fixed whatever the number of sources). Defaults to 65 536.</summary>
    public int SourceTableSlots { get; set; } = 65_536;

    /// <summary>Longest transit expiry accepted. Defaults to the protocol maximum, 30 days.</summary>
    public TimeSpan MaxTransit { get; set; } = NotificationLimits.MaxTransit;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(PeerKeyCacheCapacity >= 8, nameof(PeerKeyCacheCapacity), "at least 8");
        Require(DatagramsPerSecondPerSource > 0 && DatagramBurstPerSource >= 1, nameof(DatagramsPerSecondPerSource), "a positive rate with a burst of at least 1");
        Require(ProbationCapacity >= 8, nameof(ProbationCapacity), "at least 8");
        Require(ColdKeysPerSecond > 0 && ColdKeysPerSecondPerSource > 0, nameof(ColdKeysPerSecond), "positive");
        Require(ColdKeyRetryShare is > 0 and < 1, nameof(ColdKeyRetryShare), "between 0 and 1");
        Require(ColdKeyFailurePenalty >= TimeSpan.Zero && MaxColdKeyFailurePenalty >= ColdKeyFailurePenalty, nameof(ColdKeyFailurePenalty), $"at least 0 and at most {nameof(MaxColdKeyFailurePenalty)}");
        Require(SourceTableSlots >= 1, nameof(SourceTableSlots), "at least 1");
        Require(MaxTransit > TimeSpan.Zero && MaxTransit <= NotificationLimits.MaxTransit, nameof(MaxTransit), $"between 0 and {NotificationLimits.MaxTransit.TotalDays} days");
    }

    private static void Require(bool condition, string option, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"IngestOptions.{option} must be {expected}.", option);
        }
    }
}
