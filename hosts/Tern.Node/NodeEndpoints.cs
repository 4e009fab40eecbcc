using System.Net;

namespace Tern.Node;

/// <summary>Parses the <c>address:port</c> endpoints of <see cref="TernNodeOptions"/>.</summary>
internal static class NodeEndpoints
{
    public static bool TryParse(string text, out IPEndPoint endPoint) =>
        IPEndPoint.TryParse(text, out endPoint!) && text.Contains(':', StringComparison.Ordinal);

    public static IPEndPoint Parse(string key, string text) =>
        TryParse(text, out var endPoint) ? endPoint : throw new TernConfigurationException(key, text, "must be an IP address and a port, e.g. 0.0.0.0:7400 or [::]:7400");
}
