using System.Net;
using Tern.Engine.Notify;

namespace Tern.Load.E2e;

/// <summary>
/// The scheduler's transport, stamping when a round's sealed datagrams are about to be handed to the kernel (before the
/// <c>sendmmsg</c>: after it, the recipient on the other core may already have filed the reference).
/// </summary>
internal sealed class StampingTransport(IDatagramTransport inner, StageClock stages) : IDatagramTransport
{
    private bool _queued;

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        inner.Send(datagram, destination);
        _queued = true;
    }

    public void Flush()
    {
        if (_queued)
        {
            _queued = false;
            stages.DatagramSent();
        }

        inner.Flush();
    }
}
