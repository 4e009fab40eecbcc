using System.Net;
using Tern.Engine.Delivery;

namespace Tern.Load.E2e;

/// <summary>The scheduler's transport, stamping when a round's datagrams have been handed to the kernel.</summary>
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
        inner.Flush();
        if (_queued)
        {
            _queued = false;
            stages.DatagramSent();
        }
    }
}
