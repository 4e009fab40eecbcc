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
    /// An awaiter of its own, not the task of an async method that yields: such a task could complete on the pool before
    /// the caller's await looked at it, and the caller then went on where it was, on the socket engine's thread (2–8 of
    /// 20 000 hops begun off the pool in ThreadPoolHopTests).
    /// </remarks>
    public static Awaitable ToPoolAsync() => default;

    /// <summary>Awaits <see cref="ToPoolAsync"/>: complete on a pool thread, else the continuation queued to the pool.</summary>
    public readonly struct Awaitable : ICriticalNotifyCompletion
    {
        /// <summary>True on a pool thread, looked at on the awaiting thread when its await begins.</summary>
        public bool IsCompleted => !IsNeeded;

        /// <summary>Itself.</summary>
        public Awaitable GetAwaiter() => this;

        /// <summary>Nothing to return.</summary>
        public void GetResult()
        {
        }

        /// <summary>Queues <paramref name="continuation"/> to the pool, flowing the execution context.</summary>
        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

        /// <summary>Queues <paramref name="continuation"/> to the pool (the async machinery flows the context itself).</summary>
        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
    }
}
