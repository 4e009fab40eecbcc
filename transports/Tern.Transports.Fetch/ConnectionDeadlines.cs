using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tern.Transports.Fetch;

/// <summary>
/// Ends connections that miss their deadlines, for doors that run on a bare Kestrel connection handler (Kestrel's HTTP
/// timeouts and data rates do not apply there). Two deadlines per connection: a read deadline, armed only while the
/// door waits for the client (between requests, for a request head or a framed preface), and a write deadline, armed
/// while a response write waits for the socket, after <see cref="FetchServerOptions.MinResponseDataRate"/> as Kestrel
/// times its own writes. One timer sweeps every tracked connection once a second, so arming a deadline on the request
/// path is a few writes, never a timer of its own.
/// </summary>
internal sealed class ConnectionDeadlines : IDisposable
{
    private readonly ConcurrentDictionary<Deadline, byte> _tracked = new();
    private readonly Timer _timer;
    private readonly MinDataRate? _minResponseRate;
    private readonly FetchConnectionCounters _counters;
    private readonly ILogger _logger;

    public ConnectionDeadlines(MinDataRate? minResponseRate, FetchConnectionCounters counters, ILogger logger)
    {
        _minResponseRate = minResponseRate;
        _counters = counters;
        _logger = logger;
        _timer = new Timer(_ => Sweep(Environment.TickCount64), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Starts tracking <paramref name="connection"/>; dispose the result when the connection ends.</summary>
    public Deadline Track(ConnectionContext connection)
    {
        var deadline = new Deadline(this, connection);
        _tracked.TryAdd(deadline, 0);
        return deadline;
    }

    /// <summary>Ends every tracked connection with a deadline before <paramref name="nowMilliseconds"/>.</summary>
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

            var writeDue = Volatile.Read(ref deadline.WriteDueMilliseconds);
            if (writeDue != 0 && writeDue < nowMilliseconds)
            {
                Volatile.Write(ref deadline.WriteDueMilliseconds, 0);
                AbortTooSlow(deadline.Connection);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void AbortTooSlow(ConnectionContext connection)
    {
        // This client is not taking what it was sent: no grace for the bytes already queued. A zero linger makes the
        // close a reset, so the kernel frees the send queue now instead of probing a closed window for minutes.
        _counters.CutTooSlow();
        FetchLogMessages.ResponseTooSlow(_logger, connection.ConnectionId);
        try
        {
            if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            connection.Abort(new ConnectionAbortedException("The client took the response below the minimum data rate."));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closing already; nothing may escape the sweep's timer callback.
        }
    }

    /// <summary>One connection's deadlines, in <see cref="Environment.TickCount64"/> milliseconds; 0 when none is armed.</summary>
    internal sealed class Deadline : IDisposable
    {
        private readonly ConnectionDeadlines _owner;
        internal long DueMilliseconds;
        internal long WriteDueMilliseconds;

        // When every byte written so far is due at the minimum rate. Written by the connection's one writer only.
        private long _writesDue;

        public Deadline(ConnectionDeadlines owner, ConnectionContext connection)
        {
            _owner = owner;
            Connection = connection;
        }

        public ConnectionContext Connection { get; }

        /// <summary>Arms the read deadline <paramref name="timeout"/> from now (replacing any earlier one).</summary>
        public void ArmIn(TimeSpan timeout) => Volatile.Write(ref DueMilliseconds, Environment.TickCount64 + (long)timeout.TotalMilliseconds);

        /// <summary>Clears the read deadline.</summary>
        public void Clear() => Volatile.Write(ref DueMilliseconds, 0);

        /// <summary>
        /// Flushes <paramref name="output"/> under the minimum response data rate: the unflushed bytes are due at that
        /// rate after those written before them (or, alone, within the grace period at least), and the connection is
        /// aborted by the sweep if the flush still waits for the socket then. The door's single writer calls it.
        /// </summary>
        public ValueTask<FlushResult> FlushAsync(PipeWriter output, CancellationToken cancellationToken)
        {
            if (_owner._minResponseRate is not { } rate)
            {
                return output.FlushAsync(cancellationToken);
            }

            // Kestrel's rule for its own writes: a write may take max(grace, bytes / rate) from now, and writes add up,
            // so a client keeping up with the rate through a large buffer is never cut.
            var now = Environment.TickCount64;
            var bytes = output.CanGetUnflushedBytes ? output.UnflushedBytes : 0;
            var atRate = (long)(bytes * 1000 / rate.BytesPerSecond);
            _writesDue = Math.Max(now + Math.Max((long)rate.GracePeriod.TotalMilliseconds, atRate), _writesDue + atRate);
            Volatile.Write(ref WriteDueMilliseconds, _writesDue);
            var flush = output.FlushAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                Volatile.Write(ref WriteDueMilliseconds, 0);
                return flush;
            }

            return AwaitFlushAsync(flush);
        }

        public void Dispose() => _owner._tracked.TryRemove(this, out _);

        private async ValueTask<FlushResult> AwaitFlushAsync(ValueTask<FlushResult> flush)
        {
            try
            {
                return await flush.ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref WriteDueMilliseconds, 0);
            }
        }
    }
}
