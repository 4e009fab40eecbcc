using System.Net;
using Tern.Node;

namespace Tern.ClientApi;

/// <summary>Parses <see cref="ClientApiOptions.Listen"/>.</summary>
internal static class ClientApiEndpoint
{
    public const string Key = ClientApiServiceCollectionExtensions.Section + ":" + nameof(ClientApiOptions.Listen);

    public static IPEndPoint Parse(string text) =>
        IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':', StringComparison.Ordinal) ? endPoint
        : throw new TernConfigurationException(Key, text, "must be an IP address and a port, e.g. 127.0.0.1:7480 or [::1]:7480 (port 0 picks a free one)");
}
