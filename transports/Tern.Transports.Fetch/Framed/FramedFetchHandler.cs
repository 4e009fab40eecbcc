using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Transports.Fetch.Framed;

/// <summary>
/// The framed fetch door on Kestrel (docs/PROTOCOL.md §8.2–8.3), bound with <c>ListenOptions.UseConnectionHandler</c>.
/// A stateless singleton: each connection's state lives in its own <see cref="FramedConnection"/>.
/// </summary>
internal sealed class FramedFetchHandler : ConnectionHandler
{
    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly FetchServerOptions _options;
    private readonly FrameReader _frameReader;
    private readonly ILogger _logger;
    private readonly ConnectionDeadlines _deadlines;
    private readonly UserKeys.UserKeyDoor? _userKeys;
    private readonly FetchRequestCounters _requests;

    public FramedFetchHandler(TransitStore store, BlobReader reader, FetchCoverage coverage, FetchServerOptions options, ConnectionDeadlines deadlines, ILoggerFactory loggerFactory,
        FetchRequestCounters requests, UserKeys.UserKeyDoor? userKeys = null)
    {
        _requests = requests;
        _userKeys = userKeys;
        _deadlines = deadlines;
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _options = options;
        _frameReader = new FrameReader(options.MaxFramePayload);
        _logger = loggerFactory.CreateLogger("Tern.Transports.Fetch.Framed");
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        using var deadline = _deadlines.Track(connection);
        var framed = new FramedConnection(connection.Transport, connection.ConnectionId, _store, _reader, _coverage, _options, _frameReader, _logger, _requests, deadline, _userKeys);
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closing = closeRequested.Register(static state => ((FramedConnection)state!).RequestClose(), framed);
        await framed.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
    }
}
