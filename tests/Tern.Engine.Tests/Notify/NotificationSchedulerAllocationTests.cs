using System.Net;
using Tern.Engine.Notify;

namespace Tern.Engine.Tests.Notify;

/// <summary>The steady send path (a round of retransmissions) allocates nothing per datagram.</summary>
public sealed class NotificationSchedulerAllocationTests
{
    [Fact]
    public async Task A_retransmission_round_allocates_nothing()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var transport = new CountingTransport();
        using var scheduler = f.Scheduler(o => o.MaxRetransmitInterval = TimeSpan.FromSeconds(2), transport);
        for (var i = 0; i < 100; i++)
        {
            scheduler.Schedule(await f.SubmitAsync(null, i % 2 == 0 ? "b.example" : "c.example"));
        }

        // Warm up: first transmissions and one retransmission grow the wheel, lists and sets to their working size.
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));

        // Several measured rounds: the runtime may allocate once while it tiers a loop up (on-stack replacement), but a
        // path that allocated per datagram or per record would show in every round.
        var rounds = new List<long>();
        for (var round = 0; round < 4; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            scheduler.RunRound(f.NowMs);
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            f.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(600, scheduler.Counters.RecordsSent);
        Assert.True(transport.Datagrams > 8);
        Assert.Contains(0L, rounds);
    }

    [Fact]
    public async Task A_retransmission_round_inside_a_contact_window_allocates_nothing()
    {
        // b.example's contact is open all day: each datagram asks the plan and counts its bytes against the window.
        await using var f = await SchedulerFixture.CreateAsync();
        var transport = new CountingTransport();
        using var scheduler = f.Scheduler(o => o.MaxRetransmitInterval = TimeSpan.FromSeconds(2), transport);
        var plan = Contacts.ContactPlans.Parse(Contacts.ContactPlans.Document(
            Contacts.ContactPlans.Contact("a-b", "a.example", "b.example", f.Clock.GetUtcNow().AddMinutes(-1), TimeSpan.FromHours(1))));
        var windows = new Tern.Engine.Contacts.ContactWindows("a.example", plan, f.Clock);
        scheduler.Windows = windows;
        for (var i = 0; i < 100; i++)
        {
            scheduler.Schedule(await f.SubmitAsync(null, "b.example"));
        }

        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));

        var rounds = new List<long>();
        for (var round = 0; round < 4; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            scheduler.RunRound(f.NowMs);
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            f.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(600, scheduler.Counters.RecordsSent);
        Assert.True(windows.LinkUse.SentToday("a-b", f.NowMs) > 0);
        Assert.Contains(0L, rounds);
    }

    private sealed class CountingTransport : IDatagramTransport
    {
        public int Datagrams { get; private set; }

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => Datagrams++;

        public void Flush()
        {
        }
    }
}
