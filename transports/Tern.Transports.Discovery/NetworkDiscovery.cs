using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;

namespace Tern.Transports.Discovery;

/// <summary>
/// Composes discovery over the network: DnsClient for DNS, HttpClient for the well-known descriptor, the engine's
/// <see cref="DomainDiscovery"/> for the chain, the cache and verification. The host hands
/// <see cref="DomainDiscovery.NotificationPeers"/> to the notification scheduler and <see cref="DomainDiscovery.Descriptors"/>
/// to the pull worker.
/// </summary>
public static class NetworkDiscovery
{
    /// <summary>A discovery that owns its network clients (disposed with it).</summary>
    /// <param name="discovery">Caching and sources.</param>
    /// <param name="network">Name servers, timeouts, TLS trust.</param>
    /// <param name="known">Receive keys derived in advance; every peer found is taught to it. Null for none.</param>
    /// <param name="loggers">Logger factory; none by default.</param>
    /// <param name="timeProvider">Clock for TTLs and descriptor expiry. Defaults to the system's.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    /// <exception cref="StaticPeersFileException">The static peers file cannot be used.</exception>
    public static DomainDiscovery Create(DiscoveryOptions discovery, DiscoveryNetworkOptions network, KnownPeerKeys? known = null, ILoggerFactory? loggers = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        ArgumentNullException.ThrowIfNull(network);
        network.Validate();
        loggers ??= NullLoggerFactory.Instance;
        var logger = loggers.CreateLogger<DomainDiscovery>();
        if (!discovery.DnsEnabled)
        {
            return new DomainDiscovery(null, null, discovery, known, logger, timeProvider);
        }

        var networkLogger = loggers.CreateLogger(typeof(NetworkDiscovery).FullName!);
        var dns = new DnsClientDiscoveryDns(network, networkLogger);
        var fetcher = new HttpsDescriptorFetcher(network, dns, networkLogger);
        try
        {
            return new DomainDiscovery(dns, fetcher, discovery, known, logger, timeProvider, fetcher);
        }
        catch
        {
            fetcher.Dispose();
            throw;
        }
    }

    /// <summary>The DNS client discovery queries through, alone: <c>tern doctor</c> compares the published records with the expected ones.</summary>
    /// <param name="network">Name servers and timeouts.</param>
    /// <param name="logger">Where failed queries are logged; none by default.</param>
    public static IDiscoveryDns CreateDns(DiscoveryNetworkOptions network, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Validate();
        return new DnsClientDiscoveryDns(network, logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// The well-known descriptor fetcher alone (docs/PROTOCOL.md §6.2), its names resolved through <paramref name="dns"/>:
    /// <c>tern doctor</c> compares what a node serves with what DNS publishes. Dispose it when done.
    /// </summary>
    public static IDescriptorFetcher CreateDescriptorFetcher(DiscoveryNetworkOptions network, IDiscoveryDns dns, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(dns);
        network.Validate();
        return new HttpsDescriptorFetcher(network, dns, logger ?? NullLogger.Instance);
    }
}
