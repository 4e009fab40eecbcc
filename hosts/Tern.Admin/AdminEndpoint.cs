using System.Net;
using Tern.Node;

namespace Tern.Admin;

/// <summary>Parses <see cref="AdminOptions.Listen"/>.</summary>
internal static class AdminEndpoint
{
    public const string Key = AdminServiceCollectionExtensions.Section + ":" + nameof(AdminOptions.Listen);

    public static IPEndPoint Parse(string text) =>
        IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':', StringComparison.Ordinal) ? endPoint
        : throw new TernConfigurationException(Key, text, "must be an IP address and a port, e.g. 127.0.0.1:7490 or [::1]:7490 (port 0 picks a free one)");
}
