using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// A bounded pool of <see cref="PendingSession"/>s: sessions are created on demand up to the limit, then callers
/// wait. Once the pool is warm, rent and return allocate nothing and, uncontended, take no lock: a counter admits
/// callers (the semaphore is only waited on when every session is out) and the last returned session waits in a slot.
/// </summary>
internal sealed class PendingSessionPool : IDisposable
{
    private readonly Stack<PendingSession> _idle = new();
    private readonly List<PendingSession> _all = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _waiters = new(0);
    private readonly FasterKV<Bytes32, CapabilityEntry> _capabilities;
    private readonly FasterKV<Bytes32, RecipientState> _recipients;
    private readonly FasterKV<RefKey, SpanByte> _refs;
    private PendingSession? _last;

    // Sessions not rented, minus callers waiting for one.
    private int _available;

    public PendingSessionPool(int maxSessions, FasterKV<Bytes32, CapabilityEntry> capabilities, FasterKV<Bytes32, RecipientState> recipients, FasterKV<RefKey, SpanByte> refs)
    {
        _available = maxSessions;
        _capabilities = capabilities;
        _recipients = recipients;
        _refs = refs;
    }

    public PendingSession Rent()
    {
        if (Interlocked.Decrement(ref _available) < 0)
        {
            _waiters.Wait();
        }

        if (Interlocked.Exchange(ref _last, null) is { } last)
        {
            return last;
        }

        lock (_lock)
        {
            if (_idle.TryPop(out var session))
            {
                return session;
            }

            session = new PendingSession(_capabilities, _recipients, _refs);
            _all.Add(session);
            return session;
        }
    }

    public void Return(PendingSession session)
    {
        if (Interlocked.CompareExchange(ref _last, session, null) is not null)
        {
            lock (_lock)
            {
                _idle.Push(session);
            }
        }

        if (Interlocked.Increment(ref _available) <= 0)
        {
            _waiters.Release();
        }
    }

    /// <summary>Whether any session wrote since <see cref="ClearWrote"/>; called with every session returned (the table's write lock held).</summary>
    public bool AnyWrote()
    {
        lock (_lock)
        {
            foreach (var session in _all)
            {
                if (session.Wrote)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Forgets the sessions' writes, once a checkpoint holds them.</summary>
    public void ClearWrote()
    {
        lock (_lock)
        {
            foreach (var session in _all)
            {
                session.Wrote = false;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var session in _all)
            {
                session.Dispose();
            }

            _all.Clear();
            _idle.Clear();
            _last = null;
        }

        _waiters.Dispose();
    }
}
