using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// A bounded pool of <see cref="PendingSession"/>s: sessions are created on demand up to the limit, then callers
/// wait. Rent and return take a short lock and allocate nothing once the pool is warm.
/// </summary>
internal sealed class PendingSessionPool : IDisposable
{
    private readonly Stack<PendingSession> _idle = new();
    private readonly List<PendingSession> _all = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _slots;
    private readonly FasterKV<Bytes32, CapabilityEntry> _capabilities;
    private readonly FasterKV<Bytes32, RecipientState> _recipients;
    private readonly FasterKV<RefKey, SpanByte> _refs;

    public PendingSessionPool(int maxSessions, FasterKV<Bytes32, CapabilityEntry> capabilities, FasterKV<Bytes32, RecipientState> recipients, FasterKV<RefKey, SpanByte> refs)
    {
        _slots = new SemaphoreSlim(maxSessions, maxSessions);
        _capabilities = capabilities;
        _recipients = recipients;
        _refs = refs;
    }

    public PendingSession Rent()
    {
        _slots.Wait();
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
        lock (_lock)
        {
            _idle.Push(session);
        }

        _slots.Release();
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
        }

        _slots.Dispose();
    }
}
