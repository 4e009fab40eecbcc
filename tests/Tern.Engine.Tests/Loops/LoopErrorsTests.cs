using Tern.Engine.Loops;

namespace Tern.Engine.Tests.Loops;

/// <summary>The error counts and log gate every long-running loop uses, and the backoff of its waits.</summary>
public sealed class LoopErrorsTests
{
    [Fact]
    public void Each_kind_is_logged_at_its_first_error_then_once_per_interval_with_what_went_unlogged()
    {
        var time = new ManualClock(DateTimeOffset.UnixEpoch);
        var errors = new LoopErrors(time, TimeSpan.FromSeconds(60));

        Assert.True(errors.Record(LoopErrorKind.Transient, out var unlogged));
        Assert.Equal(0, unlogged);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.False(errors.Record(LoopErrorKind.Transient, out _));
        }

        // Another kind has its own window.
        Assert.True(errors.Record(LoopErrorKind.BackOff, out unlogged));
        Assert.Equal(0, unlogged);

        time.Advance(TimeSpan.FromSeconds(10)); // 60 s after the first line
        Assert.True(errors.Record(LoopErrorKind.Transient, out unlogged));
        Assert.Equal(5, unlogged);
        Assert.False(errors.Record(LoopErrorKind.Transient, out _));

        Assert.Equal(8, errors.Count(LoopErrorKind.Transient));
        Assert.Equal(1, errors.Count(LoopErrorKind.BackOff));
        Assert.Equal(0, errors.Count(LoopErrorKind.Fatal));
        Assert.Equal(9, errors.Total);
    }

    [Fact]
    public void Concurrent_errors_are_all_counted_and_one_is_logged()
    {
        var errors = new LoopErrors();
        var logged = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (errors.Record(LoopErrorKind.Unexpected, out _))
            {
                Interlocked.Increment(ref logged);
            }
        });

        Assert.Equal(10_000, errors.Count(LoopErrorKind.Unexpected));
        Assert.Equal(1, logged);
    }

    [Fact]
    public void The_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success()
    {
        var backoff = new LoopBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));

        Assert.Equal([10, 20, 40, 50, 50], Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalMilliseconds));
        backoff.Reset();
        Assert.Equal(10, backoff.Next().TotalMilliseconds);
    }
}
