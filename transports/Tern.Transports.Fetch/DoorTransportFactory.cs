using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Tern.Transports.Fetch;

/// <summary>
/// Kestrel's socket transport twice over, so that one Kestrel server carries every door: Kestrel's
/// <c>UnsafePreferInlineScheduling</c> belongs to a transport, not a listener, and the doors Tern drives itself want it
/// on (their connection code never blocks, and a response reaches the socket without a thread switch) while Kestrel's
/// HTTP/2 stack wants it off (its frame writer stops batching). Binds only <see cref="DoorEndPoint"/>s; Kestrel hands
/// every other listener of the server to its default transport.
/// </summary>
internal sealed class DoorTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _inline;
    private readonly SocketTransportFactory _pooled;

    public DoorTransportFactory(FetchServerOptions options, ILoggerFactory loggerFactory)
    {
        _inline = new SocketTransportFactory(Microsoft.Extensions.Options.Options.Create(Transport(options, inline: true)), loggerFactory);
        _pooled = new SocketTransportFactory(Microsoft.Extensions.Options.Options.Create(Transport(options, inline: false)), loggerFactory);
    }

    public bool CanBind(EndPoint endpoint) => endpoint is DoorEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var door = endpoint as DoorEndPoint ?? throw new ArgumentException($"{endpoint} is not a fetch door's address.", nameof(endpoint));
        return (door.Inline ? _inline : _pooled).BindAsync(new IPEndPoint(door.Address, door.Port), cancellationToken);
    }

    private static SocketTransportOptions Transport(FetchServerOptions options, bool inline) => new()
    {
        MaxWriteBufferSize = options.MaxConnectionOutputBuffer,
        UnsafePreferInlineScheduling = inline,
    };
}
