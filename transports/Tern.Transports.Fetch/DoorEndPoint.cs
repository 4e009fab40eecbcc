using System.Net;

namespace Tern.Transports.Fetch;

/// <summary>
/// A fetch door's address as given to Kestrel, carrying which socket transport accepts it: inline or on the thread
/// pool (<see cref="DoorTransportFactory"/>). Kestrel replaces it with the plain bound address once listening.
/// </summary>
internal sealed class DoorEndPoint : IPEndPoint
{
    public DoorEndPoint(IPEndPoint endPoint, bool inline)
        : base(endPoint.Address, endPoint.Port)
    {
        Inline = inline;
    }

    /// <summary>Whether the listener's pipe continuations run inline on the socket threads.</summary>
    public bool Inline { get; }
}
