using Microsoft.Extensions.Logging;

namespace Tern.Engine.Discovery;

/// <summary>Source-generated log messages of discovery (event ids 6000–6099).</summary>
internal static partial class DiscoveryLogMessages
{
    [LoggerMessage(6000, LogLevel.Debug, "Discovered {Domain}: agreement key {AgreementKey}, notify {Endpoint}, {Doors} fetch doors, until {ExpiresAt:O}")]
    public static partial void Discovered(ILogger logger, string domain, string agreementKey, string endpoint, int doors, DateTimeOffset expiresAt);

    [LoggerMessage(6001, LogLevel.Warning, "Cannot discover {Domain}: {Failure}: {Detail}; asked again after {ExpiresAt:O}")]
    public static partial void Failed(ILogger logger, string domain, DiscoveryFailure failure, string? detail, DateTimeOffset expiresAt);

    [LoggerMessage(6002, LogLevel.Information, "{Domain} changed its agreement key from {Previous} to {Current}")]
    public static partial void KeyChanged(ILogger logger, string domain, string previous, string current);

    [LoggerMessage(6003, LogLevel.Warning, "Looking up {Domain} failed ({Failure}: {Detail}); still using what it published before, until {Until:O}")]
    public static partial void ServingStale(ILogger logger, string domain, DiscoveryFailure failure, string? detail, DateTimeOffset until);

    [LoggerMessage(6004, LogLevel.Information, "DNS gave no fingerprint for {Domain} ({Status}: {Detail}); checking its descriptor against the fingerprints of the last contact")]
    public static partial void RememberedFingerprints(ILogger logger, string domain, DnsLookupStatus status, string? detail);

    [LoggerMessage(6005, LogLevel.Information, "Static peers file {Path}: {Count} peers")]
    public static partial void StaticPeersLoaded(ILogger logger, string path, int count);

    [LoggerMessage(6006, LogLevel.Error, "Static peers file {Path} changed but cannot be used; the peers read before stay: {Reason}")]
    public static partial void StaticPeersReloadFailed(ILogger logger, string path, string reason);

    [LoggerMessage(6007, LogLevel.Error, "Looking up {Domain} failed unexpectedly")]
    public static partial void LookupError(ILogger logger, string domain, Exception exception);

    [LoggerMessage(6008, LogLevel.Warning, "{Domain} has no notification endpoint: {Problem}")]
    public static partial void NoNotifyEndpoint(ILogger logger, string domain, string? problem);
}
