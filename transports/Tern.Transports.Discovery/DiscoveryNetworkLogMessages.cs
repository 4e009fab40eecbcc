using Microsoft.Extensions.Logging;

namespace Tern.Transports.Discovery;

/// <summary>Source-generated log messages of discovery's network clients (event ids 1–99 of this assembly).</summary>
internal static partial class DiscoveryNetworkLogMessages
{
    [LoggerMessage(1, LogLevel.Debug, "DNS {Type} {Name}: {Status}: {Detail}")]
    public static partial void QueryFailed(ILogger logger, string type, string name, Tern.Engine.Discovery.DnsLookupStatus status, string? detail);

    [LoggerMessage(2, LogLevel.Debug, "Descriptor of {Domain}: {Status}: {Detail}")]
    public static partial void FetchFailed(ILogger logger, string domain, Tern.Engine.Discovery.DescriptorDownloadStatus status, string? detail);
}
