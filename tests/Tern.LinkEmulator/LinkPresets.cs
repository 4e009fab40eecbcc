namespace Tern.LinkEmulator;

/// <summary>
/// The link profiles of issue 17, with the downlink from the target (the server) to the client; <see cref="LinkProfile.Reversed"/>
/// turns one round when the client is the sending side. docs/LINK-EMULATOR.md explains each.
/// </summary>
public static class LinkPresets
{
    /// <summary>GEO: 600 ms RTT (300 ms each way), 1 % Bernoulli loss each way, 20 Mbit/s down and 2 Mbit/s up.</summary>
    public static LinkProfile Geo() => new()
    {
        FromTarget = new DirectionProfile
        {
            Delay = TimeSpan.FromMilliseconds(300),
            RateBitsPerSecond = 20_000_000,
            Loss = LossModel.Bernoulli(0.01),
            QueueLimitBytes = 1_500_000, // about the bandwidth-delay product: 20 Mbit/s × 600 ms
        },
        ToTarget = new DirectionProfile
        {
            Delay = TimeSpan.FromMilliseconds(300),
            RateBitsPerSecond = 2_000_000,
            Loss = LossModel.Bernoulli(0.01),
            QueueLimitBytes = 150_000,
        },
    };

    /// <summary>LEO: Gilbert–Elliott loss p = 0.01, q = 0.167 and a 50 ms blackout every 15 s, both ways; 20 ms one way, 20/2 Mbit/s.</summary>
    public static LinkProfile Leo()
    {
        var blackout = new PeriodicBlackout(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(15));
        return new LinkProfile
        {
            FromTarget = new DirectionProfile
            {
                Delay = TimeSpan.FromMilliseconds(20),
                RateBitsPerSecond = 20_000_000,
                Loss = LossModel.GilbertElliott(0.01, 0.167),
                Blackout = blackout,
            },
            ToTarget = new DirectionProfile
            {
                Delay = TimeSpan.FromMilliseconds(20),
                RateBitsPerSecond = 2_000_000,
                Loss = LossModel.GilbertElliott(0.01, 0.167),
                Blackout = blackout,
            },
        };
    }

    /// <summary>Mars: 10 minutes one-way light time, contact windows of 30 s on / 30 s off, 2 Mbit/s each way. Run it on a scaled clock.</summary>
    public static LinkProfile Mars()
    {
        var windows = new ContactWindows(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.Zero);
        var way = new DirectionProfile
        {
            Delay = TimeSpan.FromMinutes(10),
            RateBitsPerSecond = 2_000_000,
            Windows = windows,
            QueueLimitBytes = 8 * 1024 * 1024,
        };
        return new LinkProfile { FromTarget = way, ToTarget = way };
    }
}
