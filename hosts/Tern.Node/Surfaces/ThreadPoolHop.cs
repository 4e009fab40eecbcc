namespace Tern.Node.Surfaces;

/// <summary>
/// The one way code that may run on the socket engine's thread (an inline route, a read or flush that completed there)
/// gets off it before it may wait: nothing on the pool, one yield elsewhere (without a synchronization context, and
/// Kestrel has none, a yield queues the rest to the thread pool).
/// </summary>
public static class ThreadPoolHop
{
    /// <summary>Whether the caller is off the thread pool (on the socket engine's thread, under inline scheduling).</summary>
    public static bool IsNeeded => !Thread.CurrentThread.IsThreadPoolThread;

    /// <summary>Completes at once on a pool thread; elsewhere resumes the caller on the pool.</summary>
    public static ValueTask ToPoolAsync() => IsNeeded ? YieldAsync() : ValueTask.CompletedTask;

    private static async ValueTask YieldAsync() => await Task.Yield();
}
