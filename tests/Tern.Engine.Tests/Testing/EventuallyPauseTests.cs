namespace Tern.Engine.Tests.Testing;

/// <summary>The test helper's pacing: a condition that is dear to ask (a child process) is not asked back to back.</summary>
public sealed class EventuallyPauseTests
{
    [Theory]
    [InlineData(50, 1, 50)] // a quick condition keeps the backoff's pause
    [InlineData(8, 3, 8)]
    [InlineData(50, 200, 400)] // a condition that took 200 ms waits twice that
    [InlineData(50, 5000, 1000)] // up to a second
    public void A_condition_waits_the_backoff_or_twice_its_own_time_up_to_a_second(int backoffMs, int askedForMs, int pauseMs)
        => Assert.Equal(TimeSpan.FromMilliseconds(pauseMs), Eventually.PauseAfter(TimeSpan.FromMilliseconds(backoffMs), TimeSpan.FromMilliseconds(askedForMs)));

    [Fact]
    public async Task A_condition_that_holds_at_once_is_asked_once_and_one_that_never_holds_is_given_up_after_the_timeout()
    {
        var asked = 0;
        Assert.True(await Eventually.TrueAsync(() => ++asked > 0));
        Assert.Equal(1, asked);
        Assert.False(await Eventually.TrueAsync(() => false, TimeSpan.FromMilliseconds(30)));
    }
}
