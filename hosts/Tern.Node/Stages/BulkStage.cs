using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Bulk;
using Tern.Engine.Discovery;
using Tern.Engine.Pull;
using Tern.Transports.Udp;

namespace Tern.Node.Stages;

/// <summary>
/// In the Gateway role with <c>Tern:Gateway:Bulk:Endpoint</c> set, the bulk port (docs/PROTOCOL.md §17): one UDP socket
/// shared by the bulk sender and receiver. The receiver commits what peer gateways its allow list names carry here and
/// hands each blob to the scheduler, which notifies in the senders' place (§10.6); the delivery stage's relay, if it has
/// next hops, starts carrying with the sender. Stopping cancels the sessions under way (their blobs stay held, carried
/// again in a window after the restart), waits for the commits under way, and closes the port.
/// </summary>
internal sealed class BulkStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<BulkGatewayOptions> _options;
    private readonly IOptions<BulkSenderOptions> _sender;
    private readonly IOptions<BulkReceiverOptions> _receiver;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private BulkUdpSocket? _socket;

    public BulkStage(TernNode node, IOptions<BulkGatewayOptions> options, IOptions<BulkSenderOptions> sender, IOptions<BulkReceiverOptions> receiver, IServiceProvider services, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _sender = sender;
        _receiver = receiver;
        _services = services;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (_node.Options.Role != NodeRole.Gateway || options.Endpoint.Length == 0)
        {
            return Task.CompletedTask;
        }

        var endPoint = NodeEndpoints.Parse($"{TernSections.GatewayBulk}:{nameof(BulkGatewayOptions.Endpoint)}", options.Endpoint);
        var node = _node;
        var descriptors = new KnownPeerDescriptorResolver(_services.GetRequiredService<IDescriptorResolver>(), _node.KnownPeers);
        _socket = new BulkUdpSocket(endPoint, options.SocketBufferBytes);
        var sender = new BulkSender(_node.Store, () => node.Keys, descriptors, _socket, _sender.Value, logger: _loggers.CreateLogger<BulkSender>());
        var receiver = new BulkReceiver(_node.Store, () => node.Keys, descriptors, _socket, _receiver.Value, _node.Options.DataDirectory, logger: _loggers.CreateLogger<BulkReceiver>())
        {
            Committed = result => node.Scheduler.Schedule(result),
        };
        var router = new BulkPortRouter(sender, receiver);
        _node.BulkSender = sender;
        _node.BulkReceiver = receiver;
        _node.BulkPort = router;
        _node.BulkEndPoint = _socket.LocalEndPoint;
        _socket.Start(router.Receive);
        _node.BulkRelay?.Start(sender, new DescriptorBulkPeers(descriptors), _sender.Value.MinRemaining);
        var bound = _socket.LocalEndPoint.ToString();
        var nextHops = _node.BulkRelay?.HasNextHops == true;
        NodeLogMessages.BulkPortOpen(_logger, bound, nextHops);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        // The relay owns the sender once started: its sessions end (stopping) and their blobs stay Outstanding here.
        if (_node.BulkRelay is { } relay)
        {
            _node.BulkRelay = null;
            await relay.DisposeAsync().ConfigureAwait(false);
        }
        else if (_node.BulkSender is { } sender)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }

        _node.BulkSender = null;
        if (_node.BulkReceiver is { } receiver)
        {
            _node.BulkReceiver = null;
            await receiver.DisposeAsync().ConfigureAwait(false);
        }

        _socket?.Dispose();
        _socket = null;
    }
}
