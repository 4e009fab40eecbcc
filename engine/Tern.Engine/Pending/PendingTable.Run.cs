namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    // This thread's open run of inserts (BeginInserts): the table it is on and the session it holds. At most one a thread.
    [ThreadStatic]
    private static PendingTable? s_runTable;

    [ThreadStatic]
    private static PendingSession? s_runSession;

    /// <summary>
    /// Begins a run of <see cref="TryInsert"/> calls on this thread, such as the records of a receive batch: the table's
    /// gate and a session are taken once here instead of by every insert, and held until <see cref="EndInserts"/>, which
    /// must follow on the same thread (in a <c>finally</c>). Inside a run this thread calls no other method of the table (a
    /// lock recursion error says so); a checkpoint waits for the run to end, so keep runs short.
    /// </summary>
    /// <exception cref="InvalidOperationException">This thread has a run open already.</exception>
    public void BeginInserts()
    {
        ThrowIfDisposed();
        if (s_runTable is not null)
        {
            throw new InvalidOperationException("This thread has begun a run of inserts already; end it first.");
        }

        _gate.EnterReadLock();
        try
        {
            s_runSession = _sessions.Rent();
        }
        catch
        {
            _gate.ExitReadLock();
            throw;
        }

        s_runTable = this;
    }

    /// <summary>Ends this thread's run of inserts (<see cref="BeginInserts"/>): returns its session and releases the gate.</summary>
    /// <exception cref="InvalidOperationException">This thread has no run open on this table.</exception>
    public void EndInserts()
    {
        if (s_runTable != this)
        {
            throw new InvalidOperationException("This thread has no run of inserts open on this table.");
        }

        var session = s_runSession!;
        s_runTable = null;
        s_runSession = null;
        _sessions.Return(session);
        _gate.ExitReadLock();
    }
}
