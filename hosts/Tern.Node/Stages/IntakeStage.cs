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
        OperatorPreferenceFile.Attach(_node.Preferences, TernDataDirectory.OperatorPreferencesFile(_node.Options.DataDirectory));
        _node.Ingest = NewIngest(sink);
        var listeners = new List<UdpNotificationListener>();
        try
        {
            listeners.Add(Bind(_udp.Value, _node.Ingest, nameof(TernNodeOptions.NotifyEndpoint), _node.Options.NotifyEndpoint));
            for (var i = 0; i < _node.Options.MoreNotifyEndpoints.Count; i++)
            {
                // Each port has its own loop, and a loop owns its ingest (key tables, budgets): the sink is shared, and
                // files a capability once whichever port it came in on (docs/PROTOCOL.md §16.5, a moving port).
                var key = $"{nameof(TernNodeOptions.MoreNotifyEndpoints)}:{i}";
                var text = _node.Options.MoreNotifyEndpoints[i];
                listeners.Add(Bind(_udp.Value.At(NodeEndpoints.Parse($"{TernSections.Node}:{key}", text)), NewIngest(sink), key, text));
            }
        }
        catch
        {
            foreach (var bound in listeners)
            {
                bound.Dispose();
            }

            throw;
        }

        foreach (var listener in listeners)
        {
            listener.Start();
        }

        _node.Listener = listeners[0];
        _node.Listeners = listeners;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _node.Listeners)
        {
            listener.Dispose();
        }

        return Task.CompletedTask;
    }

    private NotificationIngest NewIngest(INotificationSink sink)
        => new(_node.Keys, sink, _node.Preferences, _ingest.Value, _node.KnownPeers, _node.Blocks, _node.KeyRotation);

    private UdpNotificationListener Bind(UdpListenerOptions options, NotificationIngest ingest, string key, string value)
    {
        try
        {
            return new UdpNotificationListener(options, ingest, logger: _loggers.CreateLogger<UdpNotificationListener>());
        }
        catch (SocketException e)
        {
            // A port another process holds (or one this user may not bind) is the operator's to change: say which key.
            throw new TernConfigurationException($"{TernSections.Node}:{key}", value, $"cannot be bound ({e.SocketErrorCode}: {e.Message}); choose a free port", e);
        }
    }
}
