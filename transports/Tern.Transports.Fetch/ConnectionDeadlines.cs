using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Tern.Transports.Fetch;

/// <summary>
/// Ends connections that sit idle past their deadline, for doors that run on a bare Kestrel connection handler
/// (Kestrel's HTTP timeouts do not apply there). A door arms a deadline only while it waits for the client (between
/// requests, for a request head or a framed preface), never while a response is in progress. One timer sweeps every tracked connection once a second, so arming a deadline on
/// the request path is a single write, never a timer of its own.
/// </summary>
internal sealed class ConnectionDeadlines : IDisposable
{
    private readonly ConcurrentDictionary<Deadline, byte> _tracked = new();
    private readonly Timer _timer;

    public ConnectionDeadlines()
    {
        _timer = new Timer(_ => Sweep(Environment.TickCount64), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Starts tracking <paramref name="connection"/>; dispose the result when the connection ends.</summary>
    public Deadline Track(ConnectionContext connection)
    {
        var deadline = new Deadline(this, connection);
        _tracked.TryAdd(deadline, 0);
        return deadline;
    }

    /// <summary>Aborts every tracked connection whose deadline is before <paramref name="nowMilliseconds"/>.</summary>
    internal void Sweep(long nowMilliseconds)
    {
        foreach (var (deadline, _) in _tracked)
        {
            var due = Volatile.Read(ref deadline.DueMilliseconds);
            if (due != 0 && due < nowMilliseconds)
            {
                // A graceful end, not an abort: the door's read returns cancelled and the connection closes with a FIN,
                // so response bytes still in the kernel's send buffer (a slow link drains them long after the door
                // wrote them) reach the client instead of being reset.
                deadline.Clear();
                deadline.Connection.Transport.Input.CancelPendingRead();
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>One connection's deadline, in <see cref="Environment.TickCount64"/> milliseconds; 0 when none is armed.</summary>
    internal sealed class Deadline : IDisposable
    {
        private readonly ConnectionDeadlines _owner;
        internal long DueMilliseconds;

        public Deadline(ConnectionDeadlines owner, ConnectionContext connection)
        {
            _owner = owner;
            Connection = connection;
        }

        public ConnectionContext Connection { get; }

        /// <summary>Arms the deadline <paramref name="timeout"/> from now (replacing any earlier one).</summary>
        public void ArmIn(TimeSpan timeout) => Volatile.Write(ref DueMilliseconds, Environment.TickCount64 + (long)timeout.TotalMilliseconds);

        public void Clear() => Volatile.Write(ref DueMilliseconds, 0);

        public void Dispose() => _owner._tracked.TryRemove(this, out _);
    }
}
