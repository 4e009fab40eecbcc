using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Ingest;
using Tern.Transports.Udp;

namespace Tern.Node.Stages;

/// <summary>
/// The notification port: ingest into the pending table, immediate pulls to the pull stage. Last to start (nothing is
/// taken in before the stores and the pull queue are there), first to stop (nothing new arrives while the node drains).
/// </summary>
internal sealed class IntakeStage : IHostedService
{
    private readonly TernNode _node;
    private readonly IOptions<IngestOptions> _ingest;
    private readonly IOptions<UdpListenerOptions> _udp;
    private readonly ILoggerFactory _loggers;
    private readonly IOptions<TernNodeDecorators> _decorators;

    public IntakeStage(TernNode node, IOptions<IngestOptions> ingest, IOptions<UdpListenerOptions> udp, IOptions<TernNodeDecorators> decorators, ILoggerFactory loggers)
    {
        _node = node;
        _decorators = decorators;
        _ingest = ingest;
        _udp = udp;
        _loggers = loggers;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _node.Sink = new PendingTableSink(_node.Pending, _node.ImmediatePulls);
        var sink = _decorators.Value.Sink is { } decorate ? decorate(_node.Sink) : _node.Sink;
        DomainBlockFile.Attach(_node.Blocks, TernDataDirectory.BlocksFile(_node.Options.DataDirectory));
        _node.Ingest = new NotificationIngest(_node.Keys, sink, _node.Preferences, _ingest.Value, _node.KnownPeers, _node.Blocks, _node.KeyRotation);
        UdpNotificationListener listener;
        try
        {
            listener = new UdpNotificationListener(_udp.Value, _node.Ingest, logger: _loggers.CreateLogger<UdpNotificationListener>());
        }
        catch (SocketException e)
        {
            // A port another process holds (or one this user may not bind) is the operator's to change: say which key.
            throw new TernConfigurationException($"{TernSections.Node}:{nameof(TernNodeOptions.NotifyEndpoint)}", _node.Options.NotifyEndpoint,
                $"cannot be bound ({e.SocketErrorCode}: {e.Message}); choose a free port", e);
        }

        listener.Start();
        _node.Listener = listener;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _node.Listener?.Dispose();
        return Task.CompletedTask;
    }
}
