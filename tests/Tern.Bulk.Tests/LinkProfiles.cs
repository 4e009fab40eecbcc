using Tern.LinkEmulator;

namespace Tern.Bulk.Tests;

/// <summary>The links of issue 17 as the sending gateway (the link's client) sees them: 20 Mbit/s towards the receiver.</summary>
internal static class LinkProfiles
{
    public const long Rate = 20_000_000;

    public static readonly TimeSpan GeoLightTime = TimeSpan.FromMilliseconds(300);

    public static readonly TimeSpan LeoLightTime = TimeSpan.FromMilliseconds(20);

    /// <summary>GEO: 600 ms RTT, 1 % loss each way, 20 Mbit/s forward and 2 Mbit/s back.</summary>
    public static LinkProfile Geo(int seed) => new()
    {
        ToTarget = LinkPresets.Geo().FromTarget,
        FromTarget = LinkPresets.Geo().ToTarget,
        Seed = seed,
    };

    /// <summary>
    /// LEO: Gilbert–Elliott p = 0.01, q = 0.167 and 50 ms blackouts both ways — every second from 0.5 s rather than the
    /// preset's every 15 s from 15 s, so a session of a few seconds meets one or more (harsher than the preset, not milder).
    /// Its phase does not matter: a first pass of a second or more always meets one. The chain is clocked by the link, so a
    /// bad spell is six datagram times of the link, as a fade: stepped per datagram, the checkpoint an idle sender repeats
    /// each round met one spell for six rounds in a row now and then, and the session ended at its retry limit.
    /// </summary>
    public static LinkProfile Leo(int seed)
    {
        var preset = LinkPresets.Leo().Reversed();
        var blackout = new PeriodicBlackout(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
        var loss = LossModel.GilbertElliott(preset.ToTarget.Loss.P, preset.ToTarget.Loss.Q, clockedByLink: true);
        return new LinkProfile
        {
            ToTarget = Copy(preset.ToTarget, blackout, null, loss),
            FromTarget = Copy(preset.FromTarget, blackout, null, loss),
            Seed = seed,
        };
    }

    /// <summary>A link without loss of <paramref name="lightTime"/> each way at <paramref name="rate"/> (20 Mbit/s by default).</summary>
    public static LinkProfile Clean(TimeSpan lightTime, long rate = Rate)
    {
        var way = new DirectionProfile { Delay = lightTime, RateBitsPerSecond = rate, QueueLimitBytes = 2_000_000 };
        return new LinkProfile { ToTarget = way, FromTarget = way };
    }

    /// <summary>A deep-space link: <paramref name="lightTime"/> each way, 1 Mbit/s, 1 % loss, an 8 MiB queue. Run it on a scaled clock.</summary>
    public static LinkProfile Deep(TimeSpan lightTime, int seed)
    {
        var way = new DirectionProfile { Delay = lightTime, RateBitsPerSecond = 1_000_000, Loss = LossModel.Bernoulli(0.01), QueueLimitBytes = 8 << 20 };
        return new LinkProfile { ToTarget = way, FromTarget = way, Seed = seed };
    }

    private static DirectionProfile Copy(DirectionProfile d, PeriodicBlackout? blackout, ContactWindows? windows, LossModel? loss = null) => new()
    {
        Delay = d.Delay,
        Jitter = d.Jitter,
        RateBitsPerSecond = d.RateBitsPerSecond,
        QueueLimitBytes = d.QueueLimitBytes,
        Loss = loss ?? d.Loss,
        Blackout = blackout ?? d.Blackout,
        Windows = windows ?? d.Windows,
    };
}
