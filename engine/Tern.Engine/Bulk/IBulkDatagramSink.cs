using System.Net;

namespace Tern.Engine.Bulk;

/// <summary>Where the bulk sender and receiver put their datagrams: a UDP socket (the transport's) or a test's wire.</summary>
public interface IBulkDatagramSink
{
    /// <summary>Sends one datagram to <paramref name="destination"/>; a failure is the link's loss, not an error.</summary>
    void Send(ReadOnlySpan<byte> datagram, SocketAddress destination);
}
