using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Tern.Transports.Fetch;

/// <summary>
/// The connection caps of every door of one server (<see cref="FetchServerOptions.MaxConnections"/> and
/// <see cref="FetchServerOptions.MaxConnectionsPerSource"/>), enforced at accept. On Kestrel it is the first connection
/// middleware of each listener, ahead of TLS, so a refused connection costs an accept and a close: no handshake, no
/// buffer, no byte written. An HTTP 503 was weighed and left out: on a TLS listener it would take the very handshake the
/// cap saves, on h2c it would need an HTTP/2 exchange, and on plain HTTP/1.1 the client's request is often already in
/// the socket, so closing right after the 503 resets the connection and the client may never read it (a lingering
/// close would hold the socket the cap is there to free). Kestrel's own connection limit closes the same way.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly Dictionary<UInt128, int> _perSource = [];
    private readonly int _maxConnections;
    private readonly int _maxPerSource;
    private readonly FetchConnectionCounters _counters;
    private readonly ILogger _logger;
    private int _open;

    public ConnectionLimiter(FetchServerOptions options, FetchConnectionCounters counters, ILogger logger)
    {
        _maxConnections = options.MaxConnections;
        _maxPerSource = options.MaxConnectionsPerSource;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>Counts a new connection from <paramref name="remote"/> if both caps allow it; false (and counted) otherwise.</summary>
    public bool TryAcquire(EndPoint? remote, out UInt128 source)
    {
        source = ConnectionSource.Of(remote);
        bool? refusedPerSource = null;
        lock (_perSource)
        {
            if (source == ConnectionSource.None)
            {
                refusedPerSource = _open >= _maxConnections ? false : null;
            }
            else
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_perSource, source, out var existed);
                if (count >= _maxPerSource || _open >= _maxConnections)
                {
                    refusedPerSource = count >= _maxPerSource;
                    if (!existed)
                    {
                        _perSource.Remove(source);
                    }
                }
                else
                {
                    count++;
                }
            }

            if (refusedPerSource is null)
            {
                _open++;
            }
        }

        if (refusedPerSource is { } perSource)
        {
            Refused(remote, perSource);
            return false;
        }

        _counters.Opened();
        return true;
    }

    /// <summary>Uncounts a connection <see cref="TryAcquire"/> admitted.</summary>
    public void Release(UInt128 source)
    {
        lock (_perSource)
        {
            _open--;
            if (source != ConnectionSource.None && _perSource.TryGetValue(source, out var count))
            {
                if (count <= 1)
                {
                    // Sources with nothing open are forgotten, so the table holds at most one entry per open connection.
                    _perSource.Remove(source);
                }
                else
                {
                    _perSource[source] = count - 1;
                }
            }
        }

        _counters.Closed();
    }

    /// <summary>The connection middleware for a Kestrel listener (<c>ListenOptions.Use</c>), added before TLS.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => ServeAsync(next, connection);

    private async Task ServeAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        if (!TryAcquire(connection.RemoteEndPoint, out var source))
        {
            // Returning closes it: Kestrel disposes the connection when its delegate completes.
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Release(source);
        }
    }

    private void Refused(EndPoint? remote, bool perSource)
    {
        if (perSource)
        {
            _counters.RefuseSource();
            FetchLogMessages.RefusedPerSource(_logger, remote, _maxPerSource);
        }
        else
        {
            _counters.RefuseTotal();
            FetchLogMessages.RefusedTotal(_logger, remote, _maxConnections);
        }
    }
}
