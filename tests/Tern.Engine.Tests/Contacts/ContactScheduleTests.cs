using Tern.Engine.Contacts;

namespace Tern.Engine.Tests.Contacts;

/// <summary>The schedule's answers on the virtual clock: windows, the next one, earliest arrival (docs/OPERATIONS.md, "Contact plans").</summary>
public sealed class ContactScheduleTests
{
    private static readonly DateTimeOffset T = ContactPlans.Start;

    [Fact]
    public void Over_100_cycles_of_30_s_on_30_s_off_every_window_opens_within_a_second_of_plan_and_the_later_ones_keep_opening()
    {
        // HDTN #65: a contact that came up once and never again. Stepped in 250 ms on the virtual clock, from before the
        // first window to past the last, asking what a sender asks: is the contact open now?
        var clock = new ManualClock(T.AddSeconds(-10));
        var windows = new ContactWindows("g.example", ContactPlans.OnOff(T), clock);
        var openedAt = new List<DateTimeOffset>();
        var closedAt = new List<DateTimeOffset>();
        var wasOpen = false;
        while (clock.GetUtcNow() < T.AddMinutes(102))
        {
            var open = windows.TryOpenNow("b.example", out var window);
            if (open && !wasOpen)
            {
                openedAt.Add(clock.GetUtcNow());
                Assert.Equal((8000L, TimeSpan.Zero), (window.RateBitsPerSecond, window.OneWayLightTime));
            }
            else if (!open && wasOpen)
            {
                closedAt.Add(clock.GetUtcNow());
            }

            wasOpen = open;
            clock.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(100, openedAt.Count);
        Assert.Equal(100, closedAt.Count);
        for (var k = 0; k < 100; k++)
        {
            var planned = T.AddSeconds(60 * k);
            Assert.InRange(openedAt[k] - planned, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            Assert.InRange(closedAt[k] - planned.AddSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }

        Assert.False(windows.TryNextWindow("b.example", out _));
    }

    [Fact]
    public void The_next_window_is_the_one_after_the_open_one_and_a_forever_contact_always_has_one()
    {
        var schedule = new ContactSchedule(ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("b", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 60),
            ContactPlans.Contact("b-once", "g.example", "b.example", T.AddSeconds(-100), TimeSpan.FromSeconds(10)))));

        Assert.True(schedule.TryOpen("g.example", "b.example", T.AddSeconds(10), out var open));
        Assert.Equal(("b", T, T.AddSeconds(30)), (open.Contact, open.Opens, open.Closes));
        Assert.True(schedule.TryNext("g.example", "b.example", T.AddSeconds(10), out var next));
        Assert.Equal((T.AddSeconds(60), T.AddSeconds(90), 1L), (next.Opens, next.Closes, next.Cycle));
        Assert.True(schedule.TryNext("g.example", "b.example", T.AddSeconds(-200), out var first));
        Assert.Equal("b-once", first.Contact);
        Assert.True(schedule.TryNext("g.example", "b.example", T.AddYears(5).AddSeconds(1), out var later));
        Assert.Equal(T.AddYears(5).AddSeconds(60), later.Opens);
        Assert.False(schedule.TryOpen("g.example", "b.example", T.AddSeconds(45), out _));
        Assert.False(schedule.Covers("b.example", "g.example"));
        Assert.False(schedule.TryOpen("b.example", "g.example", T.AddSeconds(10), out _));
    }

    [Fact]
    public void Earliest_arrival_fills_the_windows_in_order_behind_the_queue_and_adds_the_light_time()
    {
        // 8 000 bit/s = 1 000 bytes a second: 30 000 bytes a 30 s window; 600 s of light time.
        var schedule = new ContactSchedule(ContactPlans.OnOff(T, lightSeconds: 600));
        var far = T.AddDays(1);

        Assert.Equal(T.AddSeconds(10 + 600), schedule.EarliestArrival("g.example", "b.example", 10_000, 0, T.AddSeconds(-5), far));
        Assert.Equal(T.AddSeconds(20 + 600), schedule.EarliestArrival("g.example", "b.example", 10_000, 0, T.AddSeconds(10), far));

        // Behind 25 000 queued bytes, 10 000 more finish 5 s into the next window.
        Assert.Equal(T.AddSeconds(65 + 600), schedule.EarliestArrival("g.example", "b.example", 10_000, 25_000, T, far));

        // Not by a deadline before that; not beyond the plan's 100 windows (3 000 000 bytes); nothing to a peer it does not cover.
        Assert.Null(schedule.EarliestArrival("g.example", "b.example", 10_000, 25_000, T, T.AddSeconds(65 + 599)));
        Assert.Null(schedule.EarliestArrival("g.example", "b.example", 3_000_001, 0, T, far));
        Assert.NotNull(schedule.EarliestArrival("g.example", "b.example", 3_000_000, 0, T, far));
        Assert.Null(schedule.EarliestArrival("g.example", "c.example", 1, 0, T, far));
    }

    [Fact]
    public void Earliest_arrival_over_a_contact_repeated_forever_stops_at_the_deadline()
    {
        var schedule = new ContactSchedule(ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("b", "g.example", "b.example", T, TimeSpan.FromSeconds(1), rate: 8, everySeconds: 60))));

        // One byte a window: a gigabyte never arrives within 30 days, and the search ends.
        Assert.Null(schedule.EarliestArrival("g.example", "b.example", 1L << 30, 0, T, T.AddDays(30)));
        Assert.Equal(T.AddSeconds(121), schedule.EarliestArrival("g.example", "b.example", 3, 0, T, T.AddDays(30)));
    }
}
