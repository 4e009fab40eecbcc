using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Custody;
using Tern.Engine.Discovery;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Node.Stages;

/// <summary>
/// In the Gateway role, the gateway side of responsibility transfer (docs/PROTOCOL.md §10.4), which the fetch stage's
/// <c>POST /v1/custody/offers</c> answers through (until it starts, that route answers 503). A committed blob goes to the
/// scheduler at once. Stopping ends the transfers under way: nothing uncommitted is kept, and their senders offer again.
/// </summary>
internal sealed class CustodyStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<CustodyGatewayOptions> _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private HttpClient? _http;
    private FetchSourceFactory? _sources;

    public CustodyStage(TernNode node, IOptions<CustodyGatewayOptions> options, IServiceProvider services, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _services = services;
        _loggers = loggers;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_node.Options.Role != NodeRole.Gateway)
        {
            return Task.CompletedTask;
        }

        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        _sources = new FetchSourceFactory(_http, _node.Options.AllowPlainTextFetchOnLoopback);
        var node = _node;
        var descriptors = new KnownPeerDescriptorResolver(_services.GetRequiredService<IDescriptorResolver>(), _node.KnownPeers);
        var gateway = new CustodyGateway(_node.Store, () => node.Keys, descriptors, _sources, _options.Value, _node.Options.DataDirectory,
            logger: _loggers.CreateLogger<CustodyGateway>())
        {
            Committed = result => node.Scheduler.Schedule(result),
            // A destination with a bulk next hop is reached over the contacts to the peer gateway (§17.1).
            Contacts = _node.Contacts is { } plan && _node.BulkRelay is { } relay ? new Tern.Engine.Bulk.NextHopContactWindows(plan, relay) : _node.Contacts,
        };
        _node.Gateway = gateway;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_node.Gateway is { } gateway)
        {
            _node.Gateway = null;
            await gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (_sources is not null)
        {
            await _sources.DisposeAsync().ConfigureAwait(false);
            _sources = null;
        }

        _http?.Dispose();
        _http = null;
    }
}
