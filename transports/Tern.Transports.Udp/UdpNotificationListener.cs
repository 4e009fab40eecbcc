using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Ingest;
using Tern.Engine.Loops;

namespace Tern.Transports.Udp;

/// <summary>
/// The notification port: one socket, one dedicated receive thread feeding a <see cref="NotificationIngest"/>.
/// It never sends anything from this socket (docs/PROTOCOL.md §4.4).
/// </summary>
/// <remarks>
/// The thread outlives what goes wrong on it. A failed receive is classified (<see cref="LoopErrorKind"/>): transient
/// ones are skipped, resource pressure waits with a capped backoff, and a socket that is gone stops the thread with the
/// reason in <see cref="Completion"/>. An exception from the ingest loses the datagrams it was filing, not the thread.
/// Every error is counted in <see cref="Errors"/> and each kind logged once per minute at most.
/// </remarks>
public sealed partial class UdpNotificationListener : IDisposable
{
    private readonly Socket _socket;
    private readonly IDatagramReceiver _receiver;
    private readonly NotificationIngest _ingest;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _endpointName;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _niceIncrement;
    private LoopBackoff _backoff;
    private volatile bool _stopping;
    private long _kernelDropsSeen;

    /// <summary>Binds the socket; call <see cref="Start"/> to begin receiving. Logs a warning when the kernel grants less receive buffer than asked.</summary>
    public UdpNotificationListener(UdpListenerOptions options, NotificationIngest ingest, TimeProvider? clock = null, ILogger? logger = null)
        : this(options, ingest, clock, logger, receiver: null)
    {
    }

    /// <summary>As the public constructor, with the receiver built by <paramref name="receiver"/> over the bound socket (tests inject failures so).</summary>
    internal UdpNotificationListener(UdpListenerOptions options, NotificationIngest ingest, TimeProvider? clock, ILogger? logger, Func<Socket, IDatagramReceiver>? receiver)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ingest);
        options.Validate();
        _ingest = ingest;
        _clock = clock ?? TimeProvider.System;
        _socket = new Socket(options.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = options.ReceiveBufferBytes,
            ReceiveTimeout = (int)options.PollInterval.TotalMilliseconds,
        };
        _socket.Bind(options.Endpoint);
        LocalEndpoint = (IPEndPoint)_socket.LocalEndPoint!;
        _endpointName = LocalEndpoint.ToString();
        _logger = logger ?? NullLogger.Instance;
        GrantedReceiveBufferBytes = _socket.ReceiveBufferSize;

        // Linux doubles the size it accepts (for its own bookkeeping) and caps what it accepts at net.core.rmem_max.
        var full = OperatingSystem.IsLinux() ? 2L * options.ReceiveBufferBytes : options.ReceiveBufferBytes;
        if (GrantedReceiveBufferBytes < full)
        {
            UdpLogMessages.ReceiveBufferCapped(_logger, _endpointName, options.ReceiveBufferBytes, GrantedReceiveBufferBytes);
        }

        UdpLogMessages.Listening(_logger, _endpointName, options.Receiver.ToString(), GrantedReceiveBufferBytes);
        _receiver = receiver?.Invoke(_socket)
            ?? (options.Receiver == UdpReceiverKind.RecvMmsg ? new RecvMmsgReceiver(_socket, options.BatchSize) : new ReceiveFromReceiver(_socket));
        _backoff = new LoopBackoff(options.BackoffInitial, options.BackoffMax);
        _niceIncrement = options.ReceiveThreadNiceIncrement;
        Errors = new LoopErrors(_clock);
        _thread = new Thread(Run) { IsBackground = true, Name = $"tern-udp-{LocalEndpoint.Port}" };
    }

    /// <summary>The bound endpoint (useful with port 0).</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>The receive buffer the kernel granted (SO_RCVBUF read back; on Linux twice what it accepted).</summary>
    public int GrantedReceiveBufferBytes { get; }

    /// <summary>The ingest's counters.</summary>
    public IngestCounters Counters => _ingest.Counters;

    /// <summary>Errors the receive thread met, by kind: failed receives and exceptions from the ingest.</summary>
    public LoopErrors Errors { get; }

    /// <summary>
    /// Completes when the receive thread ends: successfully after <see cref="Dispose"/>, faulted with the error that
    /// stopped it when the socket failed for good (<see cref="LoopErrorKind.Fatal"/>); the port then receives nothing.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Datagrams read from the socket.</summary>
    public long DatagramsReceived => Volatile.Read(ref _received);

    private long _received;

    /// <summary>
    /// Datagrams the kernel dropped on this port before the thread read them (its receive buffer full: the thread fell
    /// behind), from the socket's own counter (<c>SO_MEMINFO</c>). With <see cref="DatagramsReceived"/> it accounts for every
    /// datagram that reached the port: received + kernel drops = arrived. After <see cref="Dispose"/>, the last count read.
    /// </summary>
    public long KernelDrops
    {
        get
        {
            if (!_stopping && SocketDropCounter.Read(_socket) is { } drops)
            {
                // Kept so that a read after the socket closed still says what it lost.
                Interlocked.Exchange(ref _kernelDropsSeen, drops);
            }

            return Interlocked.Read(ref _kernelDropsSeen);
        }
    }

    /// <summary>The receive thread's kernel id (its directory in <c>/proc/self/task</c>) once it runs, else 0.</summary>
    public int ReceiveThreadId => Volatile.Read(ref _threadId);

    private int _threadId;

    /// <summary>Starts the receive thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Stops the thread and closes the socket.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _ = KernelDrops; // the last count, before the socket closes
        _stopping = true;
        _stop.Set();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _socket.Dispose();
        _receiver.Dispose();
        _stop.Dispose();
        _completion.TrySetResult();
    }
}
