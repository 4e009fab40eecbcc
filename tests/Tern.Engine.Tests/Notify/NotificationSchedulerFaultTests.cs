using System.Diagnostics;
using System.Net;
using Tern.Engine.Notify;
using Tern.Engine.Loops;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// The scheduler's loop thread outlives a round that throws: it counts it, logs it once within the rate-limit window,
/// waits its tick (even with a backlog, so a transport or store that keeps failing does not spin it) and goes on.
/// </summary>
public sealed class NotificationSchedulerFaultTests
{
    private const int RoundFailedEvent = 2004;

    [Fact]
    public async Task A_failed_round_is_counted_logged_once_and_the_next_rounds_send()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var transport = new FailingTransport(f.Transport, failingFlushes: 3);
        var logger = new CapturingLogger<NotificationScheduler>();
        using var scheduler = new NotificationScheduler(f.Store, f.A, f.Resolver, transport, Options(TimeSpan.FromMilliseconds(10)), f.Clock, logger);
        await scheduler.StartAsync();

        await Eventually.AssertAsync(() => scheduler.Errors.Count(LoopErrorKind.Unexpected) == 3);
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        await Eventually.AssertAsync(() => transport.Sends > 0);
        scheduler.Dispose();

        Assert.Single(f.Transport.Notifications(submission.Capabilities[0]));
        Assert.Equal(3, scheduler.Errors.Total);
        Assert.Equal(1, logger.Count(RoundFailedEvent));
        Assert.IsType<IOException>(logger.Entries.Single(e => e.EventId == RoundFailedEvent).Exception);
    }

    [Fact]
    public async Task A_round_that_keeps_failing_with_a_backlog_waits_its_tick()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var transport = new FailingTransport(f.Transport, failingFlushes: int.MaxValue);
        var tick = TimeSpan.FromMilliseconds(50);
        var options = Options(tick);
        options.MaxRecordsPerRound = 1;
        options.InlineRoundRecords = 0; // the loop's own pacing is under test: no round on the scheduling thread
        using var scheduler = new NotificationScheduler(f.Store, f.A, f.Resolver, transport, options, f.Clock);
        var submission = await f.SubmitAsync(null, [.. Enumerable.Repeat("b.example", 40)]);
        await scheduler.StartAsync();

        var clock = Stopwatch.StartNew();
        scheduler.Schedule(submission);

        // Five failed rounds take a loop that waits its tick about four ticks; one that spins has them at once.
        await Eventually.AssertAsync(() => scheduler.Errors.Count(LoopErrorKind.Unexpected) >= 5);
        var failed = scheduler.Errors.Count(LoopErrorKind.Unexpected);
        var elapsed = clock.Elapsed;
        scheduler.Dispose();

        // Every round is backlogged (one record a round, forty due) and fails: at most one a tick, not forty at once.
        Assert.InRange(failed, 5, (long)(elapsed / tick) + 2);
    }

    private static NotificationSchedulerOptions Options(TimeSpan tick) => new() { FetchHints = ["https://node.a.example:7443"], TickInterval = tick };

    /// <summary>Passes datagrams to an inner transport; its first flushes throw, as a socket out of buffers would.</summary>
    private sealed class FailingTransport(IDatagramTransport inner, int failingFlushes) : IDatagramTransport
    {
        private int _flushes;
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
        {
            inner.Send(datagram, destination);
            Interlocked.Increment(ref _sends);
        }

        public void Flush()
        {
            if (Interlocked.Increment(ref _flushes) <= failingFlushes)
            {
                throw new IOException("sendmmsg failed");
            }

            inner.Flush();
        }
    }
}
