using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>Knobs of the notification ingest (docs/PROTOCOL.md §4.4). Validated by <see cref="Validate"/>.</summary>
public sealed class IngestOptions
{
    /// <summary>Sender keys whose derived receive key is cached. Defaults to 65 536 (4 MiB).</summary>
    public int PeerKeyCacheCapacity { get; set; } = 65_536;

    /// <summary>Datagrams per second one source address may send before drops (<c>over_rate</c>). Defaults to 5 000.</summary>
    public double DatagramsPerSecondPerSource { get; set; } = 5_000;

    /// <summary>Burst allowance per source. Defaults to 10 000 datagrams.</summary>
    public double DatagramBurstPerSource { get; set; } = 10_000;

    /// <summary>New sender keys (one X25519 each) accepted per second in all. Defaults to 2 000, about a tenth of a core.</summary>
    public double ColdKeysPerSecond { get; set; } = 2_000;

    /// <summary>New sender keys accepted per second from one source address. Defaults to 20.</summary>
    public double ColdKeysPerSecondPerSource { get; set; } = 20;

    /// <summary>Slots of the per-source rate tables (memory is fixed whatever the number of sources). Defaults to 65 536.</summary>
    public int SourceTableSlots { get; set; } = 65_536;

    /// <summary>Longest transit expiry accepted. Defaults to the protocol maximum, 30 days.</summary>
    public TimeSpan MaxTransit { get; set; } = NotificationLimits.MaxTransit;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(PeerKeyCacheCapacity >= 8, nameof(PeerKeyCacheCapacity), "at least 8");
        Require(DatagramsPerSecondPerSource > 0 && DatagramBurstPerSource >= 1, nameof(DatagramsPerSecondPerSource), "a positive rate with a burst of at least 1");
        Require(ColdKeysPerSecond > 0 && ColdKeysPerSecondPerSource > 0, nameof(ColdKeysPerSecond), "positive");
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
