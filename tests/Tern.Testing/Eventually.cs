using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tern.Testing;

/// <summary>
/// Waits for something another thread or process does by polling its condition, never by sleeping a fixed time: a passing
/// test goes on the moment the condition holds, and only a failing one waits out the timeout.
/// </summary>
public static class Eventually
{
    /// <summary>How long a condition is given unless the caller says: 10 s, far beyond what a passing test needs.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // The first checks come quickly (most conditions hold within a millisecond or two), later ones back off so a slow
    // condition — a child process answering over a pipe — is not asked hundreds of times a second.
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(50);

    // A condition that takes long to answer is dear to ask: most often it starts a process (the CLI's `tern status`, a
    // fraction of a second of a core each), and asked back to back it keeps a core busy for as long as the wait lasts,
    // taken from the nodes the test waits on and from the tests beside it. Such a condition waits twice its own time
    // before it is asked again (a third of the time asking at most), up to a second.
    private const int PauseToAskRatio = 2;
    private static readonly TimeSpan MaxPauseForSlowCondition = TimeSpan.FromSeconds(1);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), timeout);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            var asked = waited.Elapsed;
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            var elapsed = waited.Elapsed;
            if (elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(PauseAfter(pause, elapsed - asked)).ConfigureAwait(false);
            pause = pause * 2 < MaxPause ? pause * 2 : MaxPause;
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails the test when <paramref name="timeout"/> passes first, saying
    /// what did not happen (<paramref name="what"/>: the condition's own source text unless given).
    /// </summary>
    public static async Task AssertAsync(Func<bool> condition, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(condition))] string what = "")
        => Assert.True(await TrueAsync(condition, timeout).ConfigureAwait(false), Failure(what, timeout));

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails the test when <paramref name="timeout"/> passes first, saying
    /// what did not happen (<paramref name="what"/>: the condition's own source text unless given).
    /// </summary>
    public static async Task AssertAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(condition))] string what = "")
        => Assert.True(await TrueAsync(condition, timeout).ConfigureAwait(false), Failure(what, timeout));

    private static string Failure(string what, TimeSpan? timeout)
        => FormattableString.Invariant($"{what}: not within {(timeout ?? DefaultTimeout).TotalSeconds} s");

    /// <summary>The pause before the next check: the backoff's, or longer for a condition that took long to answer.</summary>
    public static TimeSpan PauseAfter(TimeSpan backoff, TimeSpan askedFor)
    {
        var proportional = askedFor * PauseToAskRatio;
        if (proportional > MaxPauseForSlowCondition)
        {
            proportional = MaxPauseForSlowCondition;
        }

        return proportional > backoff ? proportional : backoff;
    }
}
