using System.Runtime.CompilerServices;

namespace Tern.Node.Surfaces;

/// <summary>
/// The one way code that may run on the socket engine's thread (an inline route, a read or flush that completed there)
/// gets off it before it may wait: nothing on the pool, the rest of the caller queued to the pool elsewhere.
/// </summary>
public static class ThreadPoolHop
{
    /// <summary>Whether the caller is off the thread pool (on the socket engine's thread, under inline scheduling).</summary>
    public static bool IsNeeded => !Thread.CurrentThread.IsThreadPoolThread;

    /// <summary>Completes at once on a pool thread; elsewhere resumes the caller on the pool.</summary>
    /// <remarks>
    /// The runtime's forced yield of an await: its awaiter is never complete, so the continuation is always queued. The
    /// task of an async method that yields was not enough: the pool could complete it before the caller's await looked at
    /// it, and the caller then went on where it was, on the socket engine's thread (2–8 of 20 000 hops begun off the pool
    /// in ThreadPoolHopTests).
    /// </remarks>
    public static ConfiguredTaskAwaitable ToPoolAsync() =>
        Task.CompletedTask.ConfigureAwait(IsNeeded ? ConfigureAwaitOptions.ForceYielding : ConfigureAwaitOptions.None);
}
