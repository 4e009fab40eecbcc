using System.Net;
using Tern.Engine.Bulk;

namespace Tern.Bulk.Tests;

/// <summary>
/// A receiver's sink that loses the datagrams <paramref name="drop"/> picks (counted), remembers the last session id it
/// saw, and can put a datagram of its own on the wire before a real one (<see cref="Before"/>: a forgery on the path).
/// </summary>
internal sealed class DroppingSink(IBulkDatagramSink inner, Func<BulkDatagramType, byte, bool> drop) : IBulkDatagramSink
{
    /// <summary>Called with each real datagram's type and session; what it returns is sent first.</summary>
    public Func<BulkDatagramType, BulkSessionId, byte[]?>? Before { get; set; }

    private int _dropped;

    public int Dropped => Volatile.Read(ref _dropped);

    public BulkSessionId? LastSession { get; private set; }

    public SocketAddress? LastPeer { get; private set; }

    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (BulkDatagram.TryReadHeader(datagram, out var type, out var flags, out var session))
        {
            LastSession = session;
            LastPeer = destination;
            if (Before?.Invoke(type, session) is { } forged)
            {
                inner.Send(forged, destination);
            }

            if (drop(type, flags))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
        }

        inner.Send(datagram, destination);
    }
}
