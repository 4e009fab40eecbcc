using Tern.Engine.Contacts;
using Tern.Engine.Notify;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Contacts;
using Tern.Engine.Tests.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// Nothing is sent outside a contact (issue 17, item 3): the scheduler holds what is due for a destination the contact plan
/// covers until its next window, and sends it when the window opens; destinations it does not cover are not held.
/// </summary>
public sealed class NotificationSchedulerContactTests
{
    private static readonly DateTimeOffset T = TransitTestStores.Start;

    [Fact]
    public async Task Notifications_and_retraction_notices_to_a_covered_destination_go_out_only_in_its_windows_and_at_each_opening()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var opens = T.AddSeconds(20);
        var plan = ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("a-b", "a.example", "b.example", opens, TimeSpan.FromSeconds(30), everySeconds: 60, count: 100)));
        var windows = new ContactWindows("a.example", plan, f.Clock);
        using var scheduler = f.Scheduler(options =>
        {
            options.InitialRetransmitInterval = TimeSpan.FromSeconds(10);
            options.MaxRetransmitInterval = TimeSpan.FromSeconds(40);
        });
        scheduler.Windows = windows;
        var toB = await f.SubmitAsync(null, "b.example");
        var retracted = await f.SubmitAsync(null, "b.example");
        var toC = await f.SubmitAsync(null, "c.example");
        scheduler.Schedule(toB);
        scheduler.Schedule(retracted);
        scheduler.Schedule(toC);

        var retractedAt = opens.AddSeconds(35); // between the first and the second window
        var didRetract = false;
        while (f.Clock.GetUtcNow() < T.AddMinutes(6))
        {
            if (!didRetract && f.Clock.GetUtcNow() >= retractedAt)
            {
                scheduler.ScheduleRetraction(await f.Store.RetractAsync(retracted.MessageId, "alice"));
                didRetract = true;
            }

            scheduler.RunRound(f.NowMs);
            f.Advance(TimeSpan.FromMilliseconds(250));
        }

        // c.example is not in the plan: notified in the first round.
        var toCDatagrams = f.Transport.Datagrams.Where(d => d.Destination.Equals(SchedulerFixture.CEndpoint)).ToList();
        Assert.Equal(T.ToUnixTimeMilliseconds(), toCDatagrams[0].SentAtMs);

        // Every datagram to b.example left inside a window; the first at the first opening, the retraction at the second.
        var toBDatagrams = f.Transport.Datagrams.Where(d => d.Destination.Equals(SchedulerFixture.BEndpoint)).ToList();
        Assert.All(toBDatagrams, d => Assert.True(windows.Schedule.TryOpen("a.example", "b.example", DateTimeOffset.FromUnixTimeMilliseconds(d.SentAtMs), out _),
            $"sent at {DateTimeOffset.FromUnixTimeMilliseconds(d.SentAtMs):O}, outside every window"));
        Assert.InRange(toBDatagrams[0].SentAtMs - opens.ToUnixTimeMilliseconds(), 0, 1000);
        var retraction = toBDatagrams.First(d => d.Type == DatagramType.Retraction);
        Assert.InRange(retraction.SentAtMs - opens.AddSeconds(60).ToUnixTimeMilliseconds(), 0, 1000);

        // Retransmissions went on past the first window: the contact kept opening, and the scheduler kept sending in it.
        var windowsUsed = toBDatagrams.Where(d => d.Type == DatagramType.Notification).Select(d => (d.SentAtMs - opens.ToUnixTimeMilliseconds()) / 60_000).Distinct().Count();
        Assert.True(windowsUsed >= 4, $"notified in {windowsUsed} windows");
        Assert.True(scheduler.Counters.OutsideContact > 0);

        // What was sent to b.example is what the link-use count holds for its contact today.
        Assert.Equal(toBDatagrams.Sum(d => (long)d.Length), windows.LinkUse.SentToday("a-b", f.NowMs));
    }

    [Fact]
    public async Task A_plan_reloaded_with_an_earlier_window_releases_what_was_held_within_the_peer_retry_interval()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var later = ContactPlans.Parse(ContactPlans.Document(ContactPlans.Contact("a-b", "a.example", "b.example", T.AddHours(1), TimeSpan.FromMinutes(10))));
        var now = ContactPlans.Parse(ContactPlans.Document(ContactPlans.Contact("a-b", "a.example", "b.example", T.AddSeconds(3), TimeSpan.FromMinutes(10))));
        var windows = new ContactWindows("a.example", later, f.Clock);
        using var scheduler = f.Scheduler(options => options.PeerRetryInterval = TimeSpan.FromSeconds(10));
        scheduler.Windows = windows;
        scheduler.Schedule(await f.SubmitAsync(null, "b.example"));

        scheduler.RunRound(f.NowMs);
        Assert.Empty(f.Transport.Datagrams);
        windows.Replace(now);
        while (f.Transport.Datagrams.Count == 0 && f.Clock.GetUtcNow() < T.AddMinutes(5))
        {
            f.Advance(TimeSpan.FromMilliseconds(250));
            scheduler.RunRound(f.NowMs);
        }

        var first = Assert.Single(f.Transport.Datagrams);
        Assert.InRange(first.SentAtMs - T.ToUnixTimeMilliseconds(), 3_000, 11_000);
    }

    [Fact]
    public async Task A_destination_whose_windows_are_over_is_not_sent_to_again_and_its_delivery_ends_at_expiry()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var plan = ContactPlans.Parse(ContactPlans.Document(ContactPlans.Contact("past", "a.example", "b.example", T.AddHours(-2), TimeSpan.FromHours(1))));
        using var scheduler = f.Scheduler();
        scheduler.Windows = new ContactWindows("a.example", plan, f.Clock);
        var toB = await f.SubmitAsync(TimeSpan.FromMinutes(5), "b.example");
        scheduler.Schedule(toB);

        for (var i = 0; i < 35; i++)
        {
            scheduler.RunRound(f.NowMs);
            f.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Empty(f.Transport.Datagrams);
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Expired));
    }
}
