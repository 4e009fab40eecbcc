using System.Net;

namespace Tern.Engine.Bulk;

/// <summary>
/// A gateway's one bulk port shared by its sender and receiver (docs/PROTOCOL.md §17.2): data goes to the receiver,
/// reports and receipts to the sender, a cancel to whichever holds its session. What the header does not parse, and any
/// type the two do not take, goes to the receiver, which drops it silently and counts it. Never answers anything itself.
/// </summary>
public sealed class BulkPortRouter(BulkSender? sender, BulkReceiver receiver)
{
    private long _datagrams;

    /// <summary>Datagrams that arrived at the port.</summary>
    public long Datagrams => Volatile.Read(ref _datagrams);

    /// <summary>One datagram from the socket's receiving thread.</summary>
    public void Receive(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        Interlocked.Increment(ref _datagrams);
        if (sender is not null && BulkDatagram.TryReadHeader(datagram, out var type, out _, out var id)
            && (type is BulkDatagramType.Report or BulkDatagramType.Receipt || (type == BulkDatagramType.Cancel && sender.HasSession(id))))
        {
            sender.Receive(datagram, from);
            return;
        }

        receiver.Receive(datagram, from);
    }
}
