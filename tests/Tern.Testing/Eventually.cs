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
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            if (waited.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(pause).ConfigureAwait(false);
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
}
