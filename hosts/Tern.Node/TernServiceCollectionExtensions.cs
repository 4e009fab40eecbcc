using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Bulk;
using Tern.Engine.Contacts;
using Tern.Engine.Custody;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Node.Stages;
using Tern.Transports.Discovery;
using Tern.Transports.Fetch;
using Tern.Transports.Udp;

namespace Tern.Node;

/// <summary>
/// The one composition of a node on the Generic Host: every options class bound from its <c>Tern:*</c> section and
/// validated at start, and the stages as hosted services in order — stores, fetch doors, delivery, pull, custody and bulk (a gateway's), intake, ready —
/// which the host stops in reverse: intake first, then the pull and send queues drain, then the stores checkpoint and close.
/// </summary>
public static class TernServiceCollectionExtensions
{
    /// <summary>
    /// Adds a node configured from <paramref name="configuration"/>. Peers come from discovery (DNS, the well-known
    /// descriptor, the static peers file); to use other resolvers, register an <see cref="INotificationPeerResolver"/>
    /// and an <see cref="IDescriptorResolver"/> after this call. Resolve <see cref="TernNode"/> for the running parts.
    /// </summary>
    public static IServiceCollection AddTernNode(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton<IValidateOptions<TernNodeOptions>, TernNodeOptionsValidator>();
        services.AddOptions<TernNodeOptions>()
            .Configure(options => TernOptionsBinding.Bind(configuration, TernSections.Node, options))
            .ValidateOnStart();
        // Read raw rather than through IOptions<TernNodeOptions>: the host resolves its options while it is built, and a
        // bad node setting must refuse start (with its key) rather than fail the build; an unreadable value is reported then.
        services.AddOptions<HostOptions>().Configure(host => host.ShutdownTimeout =
            TimeSpan.TryParse(configuration[$"{TernSections.Node}:{nameof(TernNodeOptions.ShutdownTimeout)}"], CultureInfo.InvariantCulture, out var timeout)
                ? timeout : new TernNodeOptions().ShutdownTimeout);

        services.AddTernOptions<TransitStoreOptions>(configuration, TernSections.Transit, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => options.DataDirectory = node.Value.DataDirectory);
        services.AddTernOptions<PendingTableOptions>(configuration, TernSections.Pending, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => options.DataDirectory = TernDataDirectory.Pending(node.Value.DataDirectory));
        services.AddTernOptions<MessageStoreOptions>(configuration, TernSections.Messages, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => options.DataDirectory = node.Value.DataDirectory);
        // The journal of pulls begun is as durable as the message store it guards (docs/ARCHITECTURE.md §5.6).
        services.AddTernOptions<PullJournalOptions>(configuration, TernSections.PullJournal, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>, IOptions<MessageStoreOptions>>((options, node, messages) =>
            {
                options.DataDirectory = TernDataDirectory.State(node.Value.DataDirectory);
                options.Durable = messages.Value.Durable;
            });
        services.AddTernOptions<IngestOptions>(configuration, TernSections.Ingest, options => options.Validate());
        services.AddTernOptions<PullWorkerOptions>(configuration, TernSections.Pull, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) =>
            {
                foreach (var key in node.Value.TrustedGatewayKeys)
                {
                    if (Bytes32.TryParse(key, out var parsed))
                    {
                        options.TrustedGatewayKeys.Add(parsed);
                    }
                }
            });
        services.AddTernOptions<CustodySenderOptions>(configuration, TernSections.Custody, options => options.Validate())
            .PostConfigure(options =>
            {
                // Tern:Routes is a plain map (destination → gateway), bound beside the knobs of Tern:Custody.
                foreach (var route in configuration.GetSection(TernSections.Routes).GetChildren())
                {
                    options.Routes[route.Key] = route.Value ?? "";
                }
            });
        services.AddTernOptions<CustodyGatewayOptions>(configuration, TernSections.Gateway, options => options.Validate(), "Bulk");
        services.AddTernOptions<BulkGatewayOptions>(configuration, TernSections.GatewayBulk, options => options.Validate(), "Sender", "Receiver");
        services.AddTernOptions<BulkSenderOptions>(configuration, TernSections.GatewayBulkSender, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => options.StagingDirectory = string.IsNullOrEmpty(options.StagingDirectory)
                ? Path.Combine(node.Value.DataDirectory, "bulk-outgoing")
                : Path.Combine(node.Value.DataDirectory, options.StagingDirectory));
        services.AddTernOptions<BulkReceiverOptions>(configuration, TernSections.GatewayBulkReceiver, options => options.Validate());
        services.AddTernOptions<ContactPlanOptions>(configuration, TernSections.Contacts, _ => { })
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => options.PlanPath = string.IsNullOrEmpty(options.PlanPath)
                ? Path.Combine(node.Value.DataDirectory, ContactPlanOptions.DefaultFileName)
                : Path.Combine(node.Value.DataDirectory, options.PlanPath));
        services.AddTernOptions<UdpListenerOptions>(configuration, TernSections.Udp, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) =>
                options.Endpoint = NodeEndpoints.Parse($"{TernSections.Node}:{nameof(TernNodeOptions.NotifyEndpoint)}", node.Value.NotifyEndpoint));
        // A node with no door (Tern:Node:FramedEndpoint and HttpEndpoint empty: it only sends and receives notifications)
        // has no fetch server, whose own rules start with "at least one door".
        services.AddTernOptions<FetchServerOptions>(configuration, TernSections.Fetch, options =>
            {
                if (options.Listeners.Count > 0)
                {
                    options.Validate();
                }
            })
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) => ConfigureDoors(options, node.Value));
        services.AddTernOptions<DiscoveryOptions>(configuration, TernSections.Discovery, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) =>
            {
                if (options.StaticPeersFile is { Length: > 0 } file)
                {
                    options.StaticPeersFile = Path.Combine(node.Value.DataDirectory, file);
                }
            });
        services.AddTernOptions<DiscoveryNetworkOptions>(configuration, TernSections.DiscoveryNetwork, options => options.Validate())
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) =>
            {
                for (var i = 0; i < node.Value.NameServers.Count; i++)
                {
                    options.NameServers.Add(NodeEndpoints.Parse($"{TernSections.Node}:{nameof(TernNodeOptions.NameServers)}:{i}", node.Value.NameServers[i]));
                }

                if (node.Value.DescriptorTrustedRoots.Length > 0)
                {
                    options.TrustedRoots = LoadTrustedRoots(node.Value);
                }
            });

        services.AddTernOptions<PendingMaintenanceOptions>(configuration, TernSections.PendingMaintenance, options => options.Validate());
        services.AddTernOptions<WellKnownOptions>(configuration, TernSections.WellKnown, options => options.Validate());
        services.AddSingleton(new WellKnownSource(configuration));

        // The delivery options' rules depend on the domain (a record with the hints must fit a datagram, §4.3).
        services.AddSingleton<IValidateOptions<NotificationSchedulerOptions>>(provider => new ComponentOptionsValidator<NotificationSchedulerOptions>(TernSections.Delivery, options =>
        {
            var domain = provider.GetRequiredService<IOptions<TernNodeOptions>>().Value.Domain;
            options.Validate(Encoding.ASCII.GetByteCount(DomainName.Normalize(domain)), FetchHintList.Encode(options.FetchHints ?? []).Length);
        }));
        services.AddOptions<NotificationSchedulerOptions>()
            .Configure(options => TernOptionsBinding.Bind(configuration, TernSections.Delivery, options))
            .PostConfigure<IOptions<TernNodeOptions>>((options, node) =>
            {
                if (options.FetchHints.Count == 0 && node.Value.FetchHints.Count > 0)
                {
                    options.FetchHints = [.. node.Value.FetchHints];
                }
            })
            .ValidateOnStart();

        // Discovery, created when the delivery stage first asks for a peer (after the stores stage loaded the keys).
        services.AddSingleton(provider => NetworkDiscovery.Create(
            provider.GetRequiredService<IOptions<DiscoveryOptions>>().Value,
            provider.GetRequiredService<IOptions<DiscoveryNetworkOptions>>().Value,
            provider.GetRequiredService<TernNode>().KnownPeers,
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<INotificationPeerResolver>(provider => provider.GetRequiredService<DomainDiscovery>().NotificationPeers);
        services.AddSingleton<IDescriptorResolver>(provider => provider.GetRequiredService<DomainDiscovery>().Descriptors);

        services.AddSingleton<TernNode>();
        services.AddSingleton<NodeStages>();
        AddStage<StoresStage>(services);
        AddStage<PendingMaintenanceStage>(services);
        AddStage<FetchStage>(services);
        AddStage<DeliveryStage>(services);
        AddStage<PullStage>(services);
        AddStage<CustodyStage>(services);
        AddStage<BulkStage>(services);
        AddStage<IntakeStage>(services);
        AddStage<DescriptorStage>(services);
        AddStage<KeyRotationStage>(services);
        AddStage<ReadyStage>(services);
        return services;
    }

    /// <summary>Registers a stage as the next hosted service: the host starts them in this order and stops them in reverse.</summary>
    private static void AddStage<TStage>(IServiceCollection services)
        where TStage : class, IHostedService
    {
        services.AddSingleton<TStage>();
        services.AddHostedService<NodeStage<TStage>>();
    }

    private static X509Certificate2Collection LoadTrustedRoots(TernNodeOptions node)
    {
        var key = $"{TernSections.Node}:{nameof(TernNodeOptions.DescriptorTrustedRoots)}";
        var file = Path.Combine(node.DataDirectory, node.DescriptorTrustedRoots);
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new TernConfigurationException(key, node.DescriptorTrustedRoots, $"must name a readable PEM file of CA certificates ({file}: {e.Message})", e);
        }

        if (roots.Count == 0)
        {
            throw new TernConfigurationException(key, node.DescriptorTrustedRoots, $"must name a PEM file holding at least one certificate ({file} holds none)");
        }

        return roots;
    }

    private static void ConfigureDoors(FetchServerOptions options, TernNodeOptions node)
    {
        options.CoverageFile ??= Path.Combine(TernDataDirectory.State(node.DataDirectory), "fetch-coverage.bin");
        var httpTls = node.HttpTls ?? node.FetchTls;
        if ((node.FetchTls && node.FramedEndpoint.Length > 0) || (httpTls && node.HttpEndpoint.Length > 0))
        {
            var file = Path.Combine(node.DataDirectory, node.CertificateFile);
            if (!File.Exists(file))
            {
                throw new TernConfigurationException($"{TernSections.Node}:{nameof(TernNodeOptions.CertificateFile)}", node.CertificateFile,
                    $"must name the fetch doors' PKCS #12 certificate ({file} does not exist; `tern init` creates one, or set Tern:Node:FetchTls to false on loopback)");
            }

            options.Certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
        }

        if (node.FramedEndpoint.Length > 0)
        {
            var endPoint = NodeEndpoints.Parse($"{TernSections.Node}:{nameof(TernNodeOptions.FramedEndpoint)}", node.FramedEndpoint);
            options.Listeners.Add(new FetchListener(FetchDoor.Framed, endPoint, node.FetchTls));
        }

        if (node.HttpEndpoint.Length > 0)
        {
            var endPoint = NodeEndpoints.Parse($"{TernSections.Node}:{nameof(TernNodeOptions.HttpEndpoint)}", node.HttpEndpoint);
            options.Listeners.Add(new FetchListener(FetchDoor.Http, endPoint, httpTls) { HttpProtocols = HttpProtocols.Http1AndHttp2 });
        }
    }
}
