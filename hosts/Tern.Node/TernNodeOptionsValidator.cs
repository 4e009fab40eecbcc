using System.Text;
using Microsoft.Extensions.Options;
using Tern.Engine.Protocol;

namespace Tern.Node;

/// <summary>Refuses a <see cref="TernNodeOptions"/> the node cannot start with, naming the key (<c>Tern:Node:…</c>).</summary>
internal sealed class TernNodeOptionsValidator : IValidateOptions<TernNodeOptions>
{
    private static readonly TimeSpan MaxShutdown = TimeSpan.FromMinutes(10);
    private const int MaxPoolThreads = 1024;

    public ValidateOptionsResult Validate(string? name, TernNodeOptions options)
    {
        var domain = options.Domain ?? "";
        if (domain.Length == 0 || domain.Any(c => c > 127) || !DomainName.IsValid(Encoding.ASCII.GetBytes(domain)))
        {
            Fail(nameof(options.Domain), domain, "must be a lower-case domain name (docs/PROTOCOL.md §2.4), e.g. a.example");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            Fail(nameof(options.DataDirectory), options.DataDirectory, "is required (the directory `tern init` created)");
        }
        else if (File.Exists(options.DataDirectory))
        {
            Fail(nameof(options.DataDirectory), options.DataDirectory, "must be a directory (the one `tern init` created), not a file");
        }

        Endpoint(nameof(options.NotifyEndpoint), options.NotifyEndpoint, required: true);
        for (var i = 0; i < options.MoreNotifyEndpoints.Count; i++)
        {
            Endpoint($"{nameof(options.MoreNotifyEndpoints)}:{i}", options.MoreNotifyEndpoints[i], required: true);
        }

        Endpoint(nameof(options.FramedEndpoint), options.FramedEndpoint, required: false);
        Endpoint(nameof(options.HttpEndpoint), options.HttpEndpoint, required: false);
        for (var i = 0; i < options.NameServers.Count; i++)
        {
            Endpoint($"{nameof(options.NameServers)}:{i}", options.NameServers[i], required: true);
        }

        if (options.Role == NodeRole.Gateway && string.IsNullOrEmpty(options.HttpEndpoint))
        {
            Fail(nameof(options.HttpEndpoint), options.HttpEndpoint, "is required with Role Gateway: senders offer blobs on its HTTP door (docs/PROTOCOL.md §10.3)");
        }

        for (var i = 0; i < options.TrustedGatewayKeys.Count; i++)
        {
            if (!Bytes32.TryParse(options.TrustedGatewayKeys[i], out _))
            {
                Fail($"{nameof(options.TrustedGatewayKeys)}:{i}", options.TrustedGatewayKeys[i], "must be a gateway's agreement key in base64url (43 characters, docs/PROTOCOL.md §2.3)");
            }
        }

        for (var i = 0; i < options.FetchHints.Count; i++)
        {
            if (!Uri.TryCreate(options.FetchHints[i], UriKind.Absolute, out _))
            {
                Fail($"{nameof(options.FetchHints)}:{i}", options.FetchHints[i], "must be an absolute URI, e.g. tern+tcp://node.a.example:7401");
            }
        }

        if (options.ShutdownTimeout < TimeSpan.FromSeconds(1) || options.ShutdownTimeout > MaxShutdown)
        {
            Fail(nameof(options.ShutdownTimeout), options.ShutdownTimeout.ToString(), $"must be between 00:00:01 and {MaxShutdown}");
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout >= options.ShutdownTimeout)
        {
            Fail(nameof(options.DrainTimeout), options.DrainTimeout.ToString(), $"must be at least 0 and less than ShutdownTimeout ({options.ShutdownTimeout}), leaving time to commit and checkpoint");
        }

        if (options.KeyRotationPollInterval < TimeSpan.FromSeconds(1) || options.KeyRotationPollInterval > TimeSpan.FromHours(1))
        {
            Fail(nameof(options.KeyRotationPollInterval), options.KeyRotationPollInterval.ToString(), "must be between 00:00:01 and 01:00:00");
        }

        if (options.MinPoolThreads is < 0 or > MaxPoolThreads)
        {
            Fail(nameof(options.MinPoolThreads), options.MinPoolThreads.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be between 0 (the runtime's floor) and {MaxPoolThreads}");
        }

        return ValidateOptionsResult.Success;
    }

    private static void Endpoint(string key, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value) && !required)
        {
            return;
        }

        if (value is null || !NodeEndpoints.TryParse(value, out _))
        {
            Fail(key, value, "must be an IP address and a port, e.g. 0.0.0.0:7400 or [::]:7400" + (required ? "" : ", or empty for none"));
        }
    }

    private static void Fail(string key, string? value, string rule) => throw new TernConfigurationException($"{TernSections.Node}:{key}", value, rule);
}
