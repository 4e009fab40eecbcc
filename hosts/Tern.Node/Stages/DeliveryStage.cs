using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Bulk;
using Tern.Engine.Contacts;
using Tern.Engine.Custody;
using Tern.Engine.Discovery;
using Tern.Engine.Pull;
using Tern.Engine.Notify;
using Tern.Transports.Fetch.Client;
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
    private readonly IOptions<CustodySenderOptions> _custody;
    private readonly IOptions<ContactPlanOptions> _contacts;
    private readonly IOptions<BulkGatewayOptions> _bulk;
    private UdpNotificationTransport? _transport;
    private HttpClient? _http;

    public DeliveryStage(TernNode node, IOptions<NotificationSchedulerOptions> options, IOptions<CustodySenderOptions> custody, IOptions<ContactPlanOptions> contacts, IOptions<BulkGatewayOptions> bulk, IOptions<TernNodeDecorators> decorators, IServiceProvider services, ILoggerFactory loggers)
    {
        _node = node;
        _bulk = bulk;
        _custody = custody;
        _contacts = contacts;
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
        // A gateway notifies in its senders' place (docs/PROTOCOL.md §10.6): each blob's account is the domain it holds it for.
        options.OnBehalfOfAccounts = _node.Options.Role == NodeRole.Gateway;
        var scheduler = new NotificationScheduler(_node.Store, _node.Keys, resolver, transport, options, logger: _loggers.CreateLogger<NotificationScheduler>());
        var custody = _custody.Value;
        if (custody.Routes.Count > 0)
        {
            // Routed deliveries are held from the scheduler and offered to their gateway before the first round (§10.5).
            _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = TimeSpan.FromSeconds(30) };
            var descriptors = new KnownPeerDescriptorResolver(_services.GetRequiredService<IDescriptorResolver>(), _node.KnownPeers);
            var node = _node;
            _node.Custody = new CustodySender(_node.Store, () => node.Keys, descriptors, new HttpCustodyOfferClient(_http, _node.Options.AllowPlainTextFetchOnLoopback), custody,
                logger: _loggers.CreateLogger<CustodySender>());
            scheduler.Hold = _node.Custody;
        }

        if (_node.Options.Role == NodeRole.Gateway)
        {
            var contacts = LoadContacts();
            scheduler.Windows = contacts;
            if (_bulk.Value.NextHops.Count > 0)
            {
                // Deliveries to a destination with a bulk next hop are held from the first round on and carried to the
                // peer gateway in the plan's windows; the bulk stage starts the carrying once its port is open (§17.1).
                _node.BulkRelay = new BulkRelay(_node.Store, contacts, _bulk.Value.Relay(), logger: _loggers.CreateLogger<BulkRelay>());
                scheduler.Hold = DeliveryHolds.Of(scheduler.Hold, _node.BulkRelay);
            }
        }

        await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
        _node.Scheduler = scheduler;
    }

    /// <summary>
    /// Reads the gateway's contact plan (a missing file is an empty plan; an invalid one refuses start with its contact,
    /// field and rule), and counts each fetched delivery's bytes against its destination's open window.
    /// </summary>
    private ContactWindows LoadContacts()
    {
        var path = _contacts.Value.PlanPath!;
        ContactPlan plan;
        try
        {
            plan = ContactPlanReader.ReadFile(path);
        }
        catch (ContactPlanException e)
        {
            throw new TernConfigurationException($"{TernSections.Contacts}:{nameof(ContactPlanOptions.PlanPath)}", path, e.Message, e);
        }
        catch (IOException e)
        {
            throw new TernConfigurationException($"{TernSections.Contacts}:{nameof(ContactPlanOptions.PlanPath)}", path, $"cannot be read: {e.Message}", e);
        }

        var contacts = new ContactWindows(_node.Domain, plan, logger: _loggers.CreateLogger<ContactWindows>());
        var time = TimeProvider.System;
        _node.Store.Transitioned += transition =>
        {
            if (transition.State == Tern.Engine.Transit.DeliveryState.Fetched)
            {
                contacts.Record(transition.Domain, transition.Size, time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        };
        _node.ContactPlanPath = path;
        _node.Contacts = contacts;
        return contacts;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node.Custody is { } custody)
        {
            // Offers under way end; their deliveries stay Outstanding and are offered again at the next start.
            await custody.DisposeAsync().ConfigureAwait(false);
        }

        _node.Scheduler?.Dispose();
        Dispose();
    }

    public void Dispose()
    {
        _transport?.Dispose();
        _transport = null;
        _http?.Dispose();
        _http = null;
    }
}
