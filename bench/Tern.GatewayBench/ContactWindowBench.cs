using System.Text;
using Tern.Engine.Contacts;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using ScaledTimeProvider = Tern.LinkEmulator.ScaledTimeProvider;

namespace Tern.GatewayBench;

/// <summary>
/// Contact windows against their plan (issue 17, item 3 and its benchmark row): a gateway g.example holds blobs for
/// b.example, whose contact plan is 30 s on / 30 s off for <c>cycles</c> cycles; the notification scheduler runs its own
/// loop on a clock <c>scale</c> times faster than real time and keeps retransmitting, every datagram to b.example held to
/// the windows. For each window: the instant of its first datagram against the plan's opening. Beside it, the baseline: a
/// bare timer of the same scaled clock set for each opening, its firing against the same instant.
/// </summary>
internal static class ContactWindowBench
{
    public sealed record Result(int Windows, int WindowsUsed, double MaxErrorMs, double MeanErrorMs, double P99ErrorMs, int SentOutside, double FurthestOutsideMs, int Datagrams,
        double TimerMaxErrorMs, double TimerMeanErrorMs, double TimerP99ErrorMs);

    public static async Task<Result> RunAsync(double scale, int cycles, string directory)
    {
        const long PeriodMs = 60_000;
        const long OnMs = 30_000;
        var clock = new ScaledTimeProvider(scale);
        using var g = DomainKeySet.Generate("g.example", clock);
        using var b = DomainKeySet.Generate("b.example", clock);
        var peers = new StaticPeerResolver();
        peers.Set(new NotificationPeer("b.example", new Bytes32(b.AgreementPublicKey), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9)));
        await using var store = await TransitStore.OpenAsync(new TransitStoreOptions { DataDirectory = directory }, clock);

        // Blobs the gateway holds for b.example, never fetched: something is due to b.example at every opening.
        var held = new List<SubmissionResult>();
        for (var i = 0; i < 8; i++)
        {
            var content = new byte[256];
            Random.Shared.NextBytes(content);
            held.Add(await store.SubmitAsync(new SubmissionRequest
            {
                Account = "a.example",
                Recipients = [new TransitRecipient("b.example", RecipientHash.NewRandom())],
                TransitExpiry = clock.GetUtcNow().AddDays(2),
            }, new MemoryStream(content)));
        }

        // The first window opens a plan minute from now (0.6 real seconds at 100×): the set-up is behind it.
        var opens = clock.GetUtcNow().AddMinutes(1);
        var plan = ContactPlanReader.Parse(Encoding.UTF8.GetBytes($$"""
            { "contacts": [ { "contact": "mars-b", "source": "g.example", "destination": "b.example",
              "start": "{{Iso(opens)}}", "end": "{{Iso(opens.AddMilliseconds(OnMs))}}", "rateBitsPerSecond": 500000,
              "oneWayLightTimeSeconds": 0, "repeat": { "everySeconds": 60, "count": {{cycles}} } } ] }
            """));
        var transport = new SendClock(clock);
        using var scheduler = new NotificationScheduler(store, g, peers, transport, new NotificationSchedulerOptions
        {
            OnBehalfOfAccounts = true,
            // The loop's tick is real time: 2 ms is 0.2 plan seconds at 100×.
            TickInterval = TimeSpan.FromMilliseconds(2),
            InitialRetransmitInterval = TimeSpan.FromSeconds(10),
            MaxRetransmitInterval = TimeSpan.FromSeconds(20),
            PeerRetryInterval = TimeSpan.FromSeconds(5),
        }, clock)
        {
            Windows = new ContactWindows("g.example", plan, clock),
        };
        scheduler.Schedule(held);

        var openings = new long[cycles];
        for (var k = 0; k < cycles; k++)
        {
            openings[k] = opens.ToUnixTimeMilliseconds() + (k * PeriodMs);
        }

        var fired = new long[cycles];
        var timers = new List<ITimer>(cycles);
        for (var k = 0; k < cycles; k++)
        {
            var index = k;
            var due = TimeSpan.FromMilliseconds(openings[k]) - TimeSpan.FromMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
            timers.Add(clock.CreateTimer(_ => fired[index] = clock.GetUtcNow().ToUnixTimeMilliseconds(), null, due, Timeout.InfiniteTimeSpan));
        }

        await scheduler.StartAsync();
        var end = DateTimeOffset.FromUnixTimeMilliseconds(openings[^1] + OnMs + 1000);
        while (clock.GetUtcNow() < end)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        var sent = transport.SentAtMs();
        var errors = new List<double>(cycles);
        var outside = 0;
        var furthest = 0L;
        var used = 0;
        var next = 0;
        for (var k = 0; k < cycles; k++)
        {
            var first = -1L;
            while (next < sent.Length && sent[next] < openings[k] + OnMs)
            {
                if (sent[next] < openings[k])
                {
                    // Stamped when Send ran, after the round that chose it: how far from the nearest window edge says which.
                    outside++;
                    var afterClose = k > 0 ? sent[next] - (openings[k - 1] + OnMs) : long.MaxValue;
                    furthest = Math.Max(furthest, Math.Min(openings[k] - sent[next], afterClose));
                }
                else if (first < 0)
                {
                    first = sent[next];
                }

                next++;
            }

            if (first >= 0)
            {
                used++;
                errors.Add(first - openings[k]);
            }
        }

        for (; next < sent.Length; next++)
        {
            outside++;
            furthest = Math.Max(furthest, sent[next] - (openings[^1] + OnMs));
        }

        var timerErrors = fired.Select((at, k) => (double)Math.Abs(at - openings[k])).ToList();
        return new Result(cycles, used, errors.Count == 0 ? double.NaN : errors.Max(e => Math.Abs(e)), errors.Count == 0 ? double.NaN : errors.Average(e => Math.Abs(e)),
            Percentile(errors.Select(Math.Abs).ToList(), 0.99), outside, furthest, sent.Length, timerErrors.Max(), timerErrors.Average(), Percentile(timerErrors, 0.99));
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
    }

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
