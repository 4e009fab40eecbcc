using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Tern.LinkEmulator;

/// <summary>
/// Writes one TCP direction's due segments to the far socket in order. The pacing thread hands segments over without
/// blocking; this writer's own thread does the (possibly blocking) sends, so a busy thread pool (nodes under test in the
/// same process) cannot hold delivered bytes back and release them in a burst. A zero-length segment is the sender's
/// FIN: the far socket's sending side is shut down once every byte before it is written.
/// </summary>
internal sealed class SegmentWriter : IDeliverySink
{
    private readonly BlockingCollection<ScheduledDelivery> _due = [];
    private readonly Socket _socket;
    private readonly LinkStatistics _statistics;
    private readonly ScaledTimeProvider _clock;

    public SegmentWriter(Socket socket, LinkStatistics statistics, ScaledTimeProvider clock)
    {
        _socket = socket;
        _statistics = statistics;
        _clock = clock;
    }

    public void Deliver(byte[] buffer, int length)
    {
        if (length > 0)
        {
            _statistics.Delivered(length, _clock.GetTimestamp());
        }

        try
        {
            _due.Add(new ScheduledDelivery(this, buffer, length));
        }
        catch (InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(buffer); // the connection has ended: the segment has nowhere to go
        }
    }

    /// <summary>Writes segments until the FIN (true) or until the socket fails or <paramref name="cancellationToken"/> fires (false).</summary>
    public bool Run(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var segment = _due.Take(cancellationToken);
                try
                {
                    if (segment.Length == 0)
                    {
                        _socket.Shutdown(SocketShutdown.Send);
                        return true;
                    }

                    _socket.Send(segment.Buffer.AsSpan(0, segment.Length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(segment.Buffer);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _due.CompleteAdding();
            while (_due.TryTake(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Buffer);
            }
        }
    }
}
