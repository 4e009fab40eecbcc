using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Tern.LinkEmulator;

/// <summary>
/// A UDP relay over an emulated link: clients send to <see cref="EndPoint"/>, the relay carries each datagram across
/// the <see cref="LinkProfile.ToTarget"/> direction and sends it to <see cref="Target"/> from its own back socket; what
/// the target sends back to that socket crosses <see cref="LinkProfile.FromTarget"/> to the client last heard from (one
/// client at a time). Both sockets are on 127.0.0.1, port 0. Deliveries are paced by one dedicated thread.
/// The sockets' kernel buffers are raised to 8 MiB so the kernel does not drop what the model would not.
/// </summary>
public sealed class UdpLink : IAsyncDisposable
{
    private const int MaxDatagram = 65_536;
    private const int SocketBuffer = 8 * 1024 * 1024;
    private readonly Socket _front = Bound();
    private readonly Socket _back = Bound();
    private readonly LinkDirection _toTarget;
    private readonly LinkDirection _fromTarget;
    private readonly PacingThread _pacing = new("udp-link");
    private readonly CancellationTokenSource _stop = new();
    private readonly DatagramSink _toTargetSink;
    private readonly DatagramSink _fromTargetSink;
    private readonly Thread _frontLoop;
    private readonly Thread _backLoop;
    private IPEndPoint _target;

    /// <summary>A relay towards <paramref name="target"/> over <paramref name="profile"/>, on <paramref name="clock"/> (real time if null).</summary>
    public UdpLink(IPEndPoint target, LinkProfile profile, ScaledTimeProvider? clock = null)
    {
        Clock = clock ?? new ScaledTimeProvider(1);
        var random = profile.Seed is { } seed ? new Random(seed) : new Random();
        _toTarget = new LinkDirection(profile.ToTarget, new Random(random.Next()));
        _fromTarget = new LinkDirection(profile.FromTarget, new Random(random.Next()));
        _target = target;
        _toTargetSink = new DatagramSink(_back, _toTarget.Statistics, Clock) { Address = target.Serialize() };
        _fromTargetSink = new DatagramSink(_front, _fromTarget.Statistics, Clock);
        _frontLoop = new Thread(() => Receive(_front, _toTarget, _toTargetSink, fromClient: true)) { IsBackground = true, Name = "udp-link-in" };
        _backLoop = new Thread(() => Receive(_back, _fromTarget, _fromTargetSink, fromClient: false)) { IsBackground = true, Name = "udp-link-back" };
        _frontLoop.Start();
        _backLoop.Start();
    }

    /// <summary>Where clients send.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_front.LocalEndPoint!;

    /// <summary>The address the relay sends the target's traffic from (what the target sees as its peer).</summary>
    public IPEndPoint BackEndPoint => (IPEndPoint)_back.LocalEndPoint!;

    /// <summary>Where datagrams go; may be moved (a restarted node's new port).</summary>
    public IPEndPoint Target
    {
        get => _target;
        set
        {
            _target = value;
            _toTargetSink.Address = value.Serialize();
        }
    }

    /// <summary>The link's clock.</summary>
    public ScaledTimeProvider Clock { get; }

    /// <summary>
    /// Counts both directions' contact windows and blackouts from now rather than from the clock's start: a test's scenario
    /// then starts when its world is ready, however long setting it up took. Returns now, in the clock's timestamps, for
    /// the test to count its own spans (a contact plan) from the same instant.
    /// </summary>
    public long StartSchedulesNow()
    {
        var now = Clock.GetTimestamp();
        _toTarget.CountSchedulesFrom(now);
        _fromTarget.CountSchedulesFrom(now);
        return now;
    }

    /// <summary>Counters of the client-to-target direction.</summary>
    public LinkCounters ToTarget => _toTarget.Statistics.Snapshot();

    /// <summary>Counters of the target-to-client direction.</summary>
    public LinkCounters FromTarget => _fromTarget.Statistics.Snapshot();

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = SocketBuffer,
            SendBufferSize = SocketBuffer,
        };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    // One blocking thread per socket: on a loaded two-core machine a thread-pool continuation per datagram can wait
    // long enough to stall the link; a dedicated thread reads as soon as the kernel has a datagram.
    private void Receive(Socket socket, LinkDirection direction, DatagramSink sink, bool fromClient)
    {
        var buffer = new byte[MaxDatagram];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop.IsCancellationRequested)
        {
            int read;
            try
            {
                read = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException) when (!_stop.IsCancellationRequested)
            {
                continue; // an ICMP error reported on the socket: the next datagram is unaffected
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (fromClient && !from.Equals(_fromTargetSink.Address))
            {
                // The first datagram, or a new client: answers go there from now on (allocates on change only).
                var copy = new SocketAddress(from.Family, from.Size);
                from.Buffer.CopyTo(copy.Buffer);
                _fromTargetSink.Address = copy;
            }

            if (direction.AdmitDatagram(read, Clock.GetTimestamp(), out var deliverAt, out var duplicateAt) != DropCause.None)
            {
                continue;
            }

            Schedule(sink, buffer.AsSpan(0, read), deliverAt);
            if (duplicateAt >= 0)
            {
                Schedule(sink, buffer.AsSpan(0, read), duplicateAt);
            }
        }
    }

    private void Schedule(DatagramSink sink, ReadOnlySpan<byte> datagram, long deliverAt)
    {
        var copy = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(copy);
        _pacing.Schedule(Clock.ToRealTimestamp(deliverAt), new ScheduledDelivery(sink, copy, datagram.Length));
    }

    /// <summary>Stops relaying; datagrams still in flight are discarded.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        // Closing the sockets wakes the blocked receives.
        _front.Dispose();
        _back.Dispose();
        _frontLoop.Join();
        _backLoop.Join();
        _pacing.Dispose();
        _stop.Dispose();
    }
}
