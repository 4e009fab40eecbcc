using System.Net;
using Tern.Engine.Notify;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// A submission's first notifications leave on the scheduling thread when the loop is between rounds
/// (<see cref="NotificationSchedulerOptions.InlineRoundRecords"/>), and by the loop when it is in one; never two rounds
/// at once, and none after disposal.
/// </summary>
public sealed class NotificationSchedulerInlineRoundTests
{
    [Fact]
    public async Task Scheduled_while_the_loop_waits_the_notification_is_sent_before_schedule_returns_on_its_thread()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var transport = new GatedTransport(f.Transport);
        using var scheduler = f.Scheduler(o => o.TickInterval = TimeSpan.FromSeconds(1), transport);
        await scheduler.StartAsync();
        await Eventually.AssertAsync(() => transport.Flushes >= 1); // the loop's first round is done; it waits its tick

        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);

        var record = Assert.Single(f.Transport.Notifications(submission.Capabilities[0]));
        Assert.Equal(1, record.Attempt);
        Assert.Equal(Environment.CurrentManagedThreadId, transport.LastSendThread);
    }

    [Fact]
    public async Task Scheduled_while_the_loop_is_in_a_round_the_loop_sends_it_and_with_no_budget_always()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var transport = new GatedTransport(f.Transport);
        using var scheduler = f.Scheduler(o => o.TickInterval = TimeSpan.FromSeconds(1), transport);
        transport.Hold();
        await scheduler.StartAsync();
        await Eventually.AssertAsync(() => transport.Holding); // the loop is inside its first round's flush

        var first = await f.SubmitAsync();
        scheduler.Schedule(first);
        Assert.Empty(f.Transport.Notifications(first.Capabilities[0]));

        transport.Release();
        await Eventually.AssertAsync(() => f.Transport.Notifications(first.Capabilities[0]).Any());
        Assert.NotEqual(Environment.CurrentManagedThreadId, transport.LastSendThread);

        await using var g = await SchedulerFixture.CreateAsync();
        using var loopOnly = new GatedTransport(g.Transport);
        using var none = g.Scheduler(o => { o.TickInterval = TimeSpan.FromSeconds(1); o.InlineRoundRecords = 0; }, loopOnly);
        await none.StartAsync();
        await Eventually.AssertAsync(() => loopOnly.Flushes >= 1);
        var second = await g.SubmitAsync();
        none.Schedule(second);
        await Eventually.AssertAsync(() => g.Transport.Notifications(second.Capabilities[0]).Any());
        Assert.NotEqual(Environment.CurrentManagedThreadId, loopOnly.LastSendThread);
    }

    [Fact]
    public async Task After_disposal_a_schedule_sends_nothing()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var transport = new GatedTransport(f.Transport);
        var scheduler = f.Scheduler(o => o.TickInterval = TimeSpan.FromSeconds(1), transport);
        await scheduler.StartAsync();
        await Eventually.AssertAsync(() => transport.Flushes >= 1);
        scheduler.Dispose();

        var submission = await f.SubmitAsync();
        Assert.Throws<ObjectDisposedException>(() => scheduler.Schedule(submission));
        Assert.Empty(f.Transport.Notifications(submission.Capabilities[0]));
    }

    /// <summary>Passes datagrams to the capturing transport, notes the sending thread, and can hold the loop in a flush.</summary>
    private sealed class GatedTransport(IDatagramTransport inner) : IDatagramTransport, IDisposable
    {
        private readonly ManualResetEventSlim _open = new(true);
        private volatile bool _holding;
        private int _flushes;
        private int _lastSendThread;

        public int Flushes => Volatile.Read(ref _flushes);

        public int LastSendThread => Volatile.Read(ref _lastSendThread);

        public bool Holding => _holding;

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
        {
            Volatile.Write(ref _lastSendThread, Environment.CurrentManagedThreadId);
            inner.Send(datagram, destination);
        }

        public void Dispose() => _open.Dispose();

        public void Flush()
        {
            _holding = !_open.IsSet;
            _open.Wait(TimeSpan.FromSeconds(30));
            _holding = false;
            inner.Flush();
            Interlocked.Increment(ref _flushes);
        }
    }
}
