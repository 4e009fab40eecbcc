namespace Tern.Engine.Bulk;

/// <summary>A wake-up for one waiting loop: <see cref="Set"/> completes the task the loop waits on, which a new wait replaces.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Set"/> is called after this wait began (or was called since the last wait ended).</summary>
    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    /// <summary>Wakes the waiting loop.</summary>
    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>Arms the next wait; call before looking at the state the signal is about, so a change after it is not missed.</summary>
    public void Reset()
    {
        if (Volatile.Read(ref _next).Task.IsCompleted)
        {
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }
}
