using Tern.Engine.Protocol;

namespace Tern.ClientApi.Polling;

/// <summary>
/// Wakes the long polls waiting on a recipient hash when the ingest files a reference for it. Only hashes with a waiter
/// are held, so the ingest's per-record check is one dictionary lookup that finds nothing on a node whose clients are
/// not polling, and allocates nothing either way.
/// </summary>
internal sealed class ReferenceSignals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RecipientHash, Waiters> _waiting = [];
    private int _hashesWaited;

    /// <summary>
    /// Registers a waiter on <paramref name="hash"/>: the task completes at the next reference filed for it. Register
    /// before polling the table, so a reference filed between the poll and the wait is not missed.
    /// </summary>
    public Registration Register(RecipientHash hash)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(hash, out var waiters))
            {
                waiters = new Waiters();
                _waiting[hash] = waiters;
                Volatile.Write(ref _hashesWaited, _waiting.Count);
            }

            waiters.Count++;
            return new Registration(this, hash, waiters.Signal.Task);
        }
    }

    /// <summary>A reference was filed for <paramref name="hash"/> (called on the ingest loop).</summary>
    public void Filed(RecipientHash hash)
    {
        // Without a lock when nobody waits (the common case on the ingest loop).
        if (Volatile.Read(ref _hashesWaited) == 0)
        {
            return;
        }

        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (!_waiting.TryGetValue(hash, out var waiters))
            {
                return;
            }

            signal = waiters.Signal;
            waiters.Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    private void Unregister(RecipientHash hash)
    {
        lock (_lock)
        {
            if (_waiting.TryGetValue(hash, out var waiters) && --waiters.Count == 0)
            {
                _waiting.Remove(hash);
                Volatile.Write(ref _hashesWaited, _waiting.Count);
            }
        }
    }

    /// <summary>One waiter's hold on a hash; disposing it stops waiting.</summary>
    internal readonly struct Registration : IDisposable
    {
        private readonly ReferenceSignals _owner;
        private readonly RecipientHash _hash;

        public Registration(ReferenceSignals owner, RecipientHash hash, Task filed)
        {
            _owner = owner;
            _hash = hash;
            Filed = filed;
        }

        /// <summary>Completes when a reference is filed for the hash after the registration.</summary>
        public Task Filed { get; }

        public void Dispose() => _owner.Unregister(_hash);
    }

    private sealed class Waiters
    {
        public int Count;
        public TaskCompletionSource Signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
