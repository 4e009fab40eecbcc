using System.Net;

namespace Tern.Engine.Notify;

/// <summary>
/// Where the scheduler puts sealed datagrams (transports/Tern.Transports.Udp adapts a <c>sendmmsg</c> sender). Called
/// from one scheduler round at a time (the loop's thread, or a scheduling caller's between the loop's rounds, under the
/// scheduler's round lock): <see cref="Send"/> may queue (it copies the bytes before returning) and <see cref="Flush"/>
/// ends each round. Never throws for a datagram the network refused: retransmission covers it.
/// </summary>
public interface IDatagramTransport
{
    /// <summary>Queues (or sends) <paramref name="datagram"/> to <paramref name="destination"/>; the span is reused after the call.</summary>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>Sends everything queued.</summary>
    void Flush();
}
