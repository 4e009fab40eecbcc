using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Ingest;

namespace Tern.Transports.Udp;

/// <summary>
/// The notification port: one socket, one dedicated receive thread feeding a <see cref="NotificationIngest"/>.
/// It never sends anything from this socket (docs/PROTOCOL.md §4.4).
/// </summary>
public sealed class UdpNotificationListener : IDisposable
{
    private readonly Socket _socket;
    private readonly IDatagramReceiver _receiver;
    private readonly NotificationIngest _ingest;
    private readonly TimeProvider _clock;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <summary>Binds the socket; call <see cref="Start"/> to begin receiving. Logs a warning when the kernel grants less receive buffer than asked.</summary>
    public UdpNotificationListener(UdpListenerOptions options, NotificationIngest ingest, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ingest);
        _ingest = ingest;
        _clock = clock ?? TimeProvider.System;
        _socket = new Socket(options.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = options.ReceiveBufferBytes,
            ReceiveTimeout = (int)options.PollInterval.TotalMilliseconds,
        };
        _socket.Bind(options.Endpoint);
        LocalEndpoint = (IPEndPoint)_socket.LocalEndPoint!;
        logger ??= NullLogger.Instance;
        GrantedReceiveBufferBytes = _socket.ReceiveBufferSize;

        // Linux doubles the size it accepts (for its own bookkeeping) and caps what it accepts at net.core.rmem_max.
        var full = OperatingSystem.IsLinux() ? 2L * options.ReceiveBufferBytes : options.ReceiveBufferBytes;
        if (GrantedReceiveBufferBytes < full)
        {
            UdpLog.ReceiveBufferCapped(logger, LocalEndpoint.ToString(), options.ReceiveBufferBytes, GrantedReceiveBufferBytes);
        }

        UdpLog.Listening(logger, LocalEndpoint.ToString(), options.Receiver.ToString(), GrantedReceiveBufferBytes);
        _receiver = options.Receiver == UdpReceiverKind.RecvMmsg ? new RecvMmsgReceiver(_socket, options.BatchSize) : new ReceiveFromReceiver(_socket);
        _thread = new Thread(Run) { IsBackground = true, Name = $"tern-udp-{LocalEndpoint.Port}" };
    }

    /// <summary>The bound endpoint (useful with port 0).</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>The receive buffer the kernel granted (SO_RCVBUF read back; on Linux twice what it accepted).</summary>
    public int GrantedReceiveBufferBytes { get; }

    /// <summary>The ingest's counters.</summary>
    public IngestCounters Counters => _ingest.Counters;

    /// <summary>Datagrams read from the socket.</summary>
    public long DatagramsReceived => Volatile.Read(ref _received);

    private long _received;

    /// <summary>Starts the receive thread.</summary>
    public void Start() => _thread.Start();

    private void Run()
    {
        while (!_stopping)
        {
            int count;
            try
            {
                count = _receiver.Receive();
            }
            catch (SocketException) when (_stopping)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (count == 0)
            {
                continue;
            }

            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < count; i++)
            {
                _ingest.Stage(_receiver.Datagram(i), _receiver.SourceHash(i), now);
            }

            _ingest.Flush(now);

            Volatile.Write(ref _received, _received + count);
        }
    }

    /// <summary>Stops the thread and closes the socket.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _socket.Dispose();
        _receiver.Dispose();
    }
}
