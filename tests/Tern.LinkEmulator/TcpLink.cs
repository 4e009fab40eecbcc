using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Tern.LinkEmulator;

/// <summary>
/// A TCP relay over an emulated link: it accepts on <see cref="EndPoint"/>, connects to <see cref="Target"/>, and carries
/// each direction's byte stream in segments of at most <see cref="DirectionProfile.TcpSegmentBytes"/> through that
/// direction's model (rate shared by every connection, delay, jitter). The stream always arrives whole and in order:
/// loss costs a segment (and the bytes behind it) a retransmission timeout, blackouts and closed windows hold the
/// stream until the link is back, and a full queue stops the relay reading (the sender's socket fills, as behind a
/// slow link). Each connection takes four threads (a reader and a writer per direction): test equipment for a few
/// connections, not a server. The relay's own sockets on loopback are not the bottleneck; the model is. A connection whose target
/// does not answer is closed at once.
/// </summary>
public sealed class TcpLink : IAsyncDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly LinkDirection _toTarget;
    private readonly LinkDirection _fromTarget;
    private readonly PacingThread _pacing = new("tcp-link");
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    /// <summary>A relay over <paramref name="profile"/> on <paramref name="clock"/> (real time if null); set <see cref="Target"/> before connecting.</summary>
    public TcpLink(LinkProfile profile, ScaledTimeProvider? clock = null)
    {
        Clock = clock ?? new ScaledTimeProvider(1);
        var random = profile.Seed is { } seed ? new Random(seed) : new Random();
        _toTarget = new LinkDirection(profile.ToTarget, new Random(random.Next()));
        _fromTarget = new LinkDirection(profile.FromTarget, new Random(random.Next()));
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accept = AcceptAsync();
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Where new connections go; may be moved (a restarted node's new port).</summary>
    public IPEndPoint? Target { get; set; }

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

    /// <summary>Counters of the client-to-target direction (bytes and segments).</summary>
    public LinkCounters ToTarget => _toTarget.Statistics.Snapshot();

    /// <summary>Counters of the target-to-client direction (bytes and segments).</summary>
    public LinkCounters FromTarget => _fromTarget.Statistics.Snapshot();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(Target ?? throw new SocketException((int)SocketError.ConnectionRefused), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);

            // Closing both sockets is what wakes the blocked reads and writes when the connection or the link ends.
            using var closing = done.Token.Register(() =>
            {
                client.Dispose();
                server.Dispose();
            });
            var up = Task.Factory.StartNew(() => Carry(client, server, _toTarget, done.Token), done.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var down = Task.Factory.StartNew(() => Carry(server, client, _fromTarget, done.Token), done.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (!first.IsCompletedSuccessfully || !first.Result)
            {
                await done.CancelAsync().ConfigureAwait(false); // a reset on one side ends the connection
            }

            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Carries one direction until the FIN has been delivered (true) or a socket failed (false), on dedicated threads
    /// (this one reads, the writer's writes): blocking calls, so a busy thread pool cannot stall the link.
    /// </summary>
    private bool Carry(Socket from, Socket to, LinkDirection direction, CancellationToken cancellationToken)
    {
        var writer = new SegmentWriter(to, direction.Statistics, Clock);
        var writing = Task.Factory.StartNew(() => writer.Run(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var segmentBytes = direction.Profile.TcpSegmentBytes;
        long lastDeliverAt = 0;
        try
        {
            while (true)
            {
                // Backpressure: no reading while the bytes queued in front of the link exceed the queue limit.
                while (direction.BacklogBytes(Clock.GetTimestamp()) > direction.Profile.QueueLimitBytes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(1);
                }

                var buffer = ArrayPool<byte>.Shared.Rent(segmentBytes);
                int read;
                try
                {
                    read = from.Receive(buffer, 0, segmentBytes, SocketFlags.None);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                // The stream stays in order: a segment never overtakes the one before it (jitter, retransmissions).
                var deliverAt = read == 0 ? lastDeliverAt : Math.Max(lastDeliverAt, direction.AdmitSegment(read, Clock.GetTimestamp()));
                lastDeliverAt = deliverAt;
                _pacing.Schedule(Clock.ToRealTimestamp(deliverAt), new ScheduledDelivery(writer, buffer, read));
                if (read == 0)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return false;
        }

        return writing.GetAwaiter().GetResult();
    }

    /// <summary>Stops accepting and closes every connection; bytes in flight are discarded.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accept.ConfigureAwait(false);
        _pacing.Dispose();
        _stop.Dispose();
    }
}
