using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Discovery;
using Tern.Engine.Notify;
using Tern.Transports.Udp;

namespace Tern.Node.Stages;

/// <summary>
/// The notification scheduler and its sendmmsg transport. Starting loads every outstanding delivery of the transit store at its
/// recorded next attempt, which is how a restart resumes notifications and retransmissions (docs/PROTOCOL.md §4.6).
/// Stopping ends the loop after the round in progress; attempts are already persisted in the journal.
/// </summary>
internal sealed class DeliveryStage : IHostedService, IDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<NotificationSchedulerOptions> _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly IOptions<TernNodeDecorators> _decorators;
    private UdpNotificationTransport? _transport;

    public DeliveryStage(TernNode node, IOptions<NotificationSchedulerOptions> options, IOptions<TernNodeDecorators> decorators, IServiceProvider services, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _decorators = decorators;
        _services = services;
        _loggers = loggers;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (options.FetchHints.Count == 0)
        {
            options.FetchHints = _node.FetchHints;
        }

        var family = _node.Options.NotifyEndpoint.StartsWith('[') ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        _transport = new UdpNotificationTransport(family);
        _node.Transport = _transport;
        var resolver = new KnownPeerResolver(_services.GetRequiredService<INotificationPeerResolver>(), _node.KnownPeers);
        var transport = _decorators.Value.Transport is { } decorate ? decorate(_transport) : _transport;
        var scheduler = new NotificationScheduler(_node.Store, _node.Keys, resolver, transport, options, logger: _loggers.CreateLogger<NotificationScheduler>());
        await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
        _node.Scheduler = scheduler;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _node.Scheduler?.Dispose();
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _transport?.Dispose();
        _transport = null;
    }
}
