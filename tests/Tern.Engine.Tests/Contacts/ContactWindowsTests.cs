using Tern.Engine.Contacts;

namespace Tern.Engine.Tests.Contacts;

/// <summary>The plan in force: swapped whole on a reload, never seen half-replaced, and the bytes sent counted per window.</summary>
public sealed class ContactWindowsTests
{
    private static readonly DateTimeOffset T = ContactPlans.Start;

    [Fact]
    public async Task A_reload_under_traffic_answers_every_question_from_one_plan_or_the_other()
    {
        // Plan A: b.example open from T for a day. Plan B: closed until T + 1 h, then open a minute. Readers on two threads
        // ask while the plans are swapped 2 000 times: each answer is A's or B's, never a mix or an exception.
        var clock = new ManualClock(T.AddMinutes(1));
        var a = ContactPlans.Parse(ContactPlans.Document(ContactPlans.Contact("a", "g.example", "b.example", T, TimeSpan.FromDays(1))));
        var b = ContactPlans.Parse(ContactPlans.Document(ContactPlans.Contact("b", "g.example", "b.example", T.AddHours(1), TimeSpan.FromMinutes(1))));
        var windows = new ContactWindows("g.example", a, clock);
        var nowMs = clock.NowMs;
        var wrong = 0;
        var answers = 0L;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var openFrom = windows.OpenFromMs("b.example", nowMs);
                var open = windows.TryOpenNow("b.example", out var window);
                var arrival = windows.EarliestArrival("b.example", 1000, 0, T.AddDays(2));
                if ((openFrom != nowMs && openFrom != T.AddHours(1).ToUnixTimeMilliseconds())
                    || (open && window.Contact != "a")
                    || arrival is null)
                {
                    Interlocked.Increment(ref wrong);
                }

                Interlocked.Increment(ref answers);
            }
        })).ToArray();

        // At least 2 000 swaps, and on until the readers have asked often (on a loaded machine they may start late).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var i = 0; i < 2000 || (Interlocked.Read(ref answers) < 10_000 && DateTime.UtcNow < deadline); i++)
        {
            windows.Replace(i % 2 == 0 ? b : a);
        }

        windows.Replace(a);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, wrong);
        Assert.True(answers > 0);
        Assert.Same(a, windows.Schedule.Plan);
    }

    [Fact]
    public void Bytes_sent_count_against_the_window_open_then_and_a_new_day_starts_from_zero()
    {
        var clock = new ManualClock(T);
        var windows = new ContactWindows("g.example", ContactPlans.OnOff(T), clock);
        var changed = 0;
        windows.PlanChanged += () => changed++;

        windows.Sent("b.example", 1000, T.AddSeconds(5).ToUnixTimeMilliseconds());
        windows.Record("b.example", 500, T.AddSeconds(65).ToUnixTimeMilliseconds());
        windows.Sent("b.example", 7777, T.AddSeconds(45).ToUnixTimeMilliseconds()); // between windows: no contact's
        windows.Sent("c.example", 7777, T.AddSeconds(5).ToUnixTimeMilliseconds()); // not covered

        Assert.Equal(1500, windows.LinkUse.SentToday("mars-b", T.AddSeconds(70).ToUnixTimeMilliseconds()));
        Assert.Equal(0, windows.LinkUse.SentToday("mars-b", T.AddDays(1).ToUnixTimeMilliseconds()));
        Assert.Equal(T.AddSeconds(60).ToUnixTimeMilliseconds(), windows.OpenFromMs("b.example", T.AddSeconds(45).ToUnixTimeMilliseconds()));
        Assert.Equal(long.MaxValue, windows.OpenFromMs("b.example", T.AddHours(3).ToUnixTimeMilliseconds()));
        Assert.Equal(42, windows.OpenFromMs("c.example", 42));

        windows.Replace(ContactPlan.Empty);
        Assert.Equal(1, changed);
        Assert.False(windows.Covers("b.example"));
    }
}
