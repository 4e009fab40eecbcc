using System.Globalization;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Node;

/// <summary>
/// The signed descriptor the node serves at <c>https://&lt;domain&gt;/.well-known/tern</c> on its HTTP fetch door
/// (section <c>Tern:WellKnown</c>, docs/PROTOCOL.md §6, docs/OPERATIONS.md). The endpoints are those a peer must use,
/// which behind NAT or a proxy differ from the addresses the node binds. Read again when the configuration file changes:
/// the node then signs and serves a new descriptor without a restart.
/// </summary>
public sealed class WellKnownOptions
{
    private static readonly string[] FetchSchemes = ["https", "tern+tcp", "quic"];

    /// <summary>The shortest <see cref="Validity"/>: a test's time scale, re-signed every 2.5 s.</summary>
    public static readonly TimeSpan MinValidity = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The descriptor's <c>notify</c> list (§6.1), <c>udp://host:port</c>, at most 8. Defaults to none here, which
    /// publishes the bound notification port as <c>udp://address:port</c> (right only where peers reach that address).
    /// </summary>
    public IList<string> Notify { get; } = [];

    /// <summary>
    /// The descriptor's <c>fetch</c> list (§6.1, §8): <c>https://</c>, <c>tern+tcp://</c> or <c>quic://host:port</c>, at
    /// most 8. Defaults to none here, which publishes the node's fetch hints (<c>Tern:Node:FetchHints</c>, else the
    /// bound framed door).
    /// </summary>
    public IList<string> Fetch { get; } = [];

    /// <summary>
    /// How long each signed descriptor is valid (its <c>expires_at</c> after <c>issued_at</c>); the node signs a new one
    /// when half of it has passed. Defaults to 1 day: a key or endpoint change reaches peers within their cache lifetime
    /// anyway (at most an hour, docs/DISCOVERY.md §1), and a stopped node's document lapses within a day. At least 5 s:
    /// below a few minutes is a test's time scale (a key rotation's window must outlast it, docs/PROTOCOL.md §16.6, and a
    /// two-process test runs a whole window in seconds), since every peer then fetches the descriptor again that often.
    /// </summary>
    public TimeSpan Validity { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The <c>Cache-Control: max-age</c> of the response, never past the descriptor's <c>expires_at</c>. Defaults to
    /// 5 minutes, so a shared cache in front of the node passes a changed descriptor on within minutes.
    /// </summary>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Require(Validity >= MinValidity && Validity <= TimeSpan.FromDays(30), nameof(Validity), Validity, "between 5 seconds and 30 days");
        Require(CacheMaxAge >= TimeSpan.Zero && CacheMaxAge <= TimeSpan.FromHours(1), nameof(CacheMaxAge), CacheMaxAge, "between 0 and 1 hour (the longest a peer keeps a descriptor, docs/DISCOVERY.md §1)");
        Require(Notify.Count <= DescriptorLimits.MaxListEntries, nameof(Notify), Notify.Count, $"a list of at most {DescriptorLimits.MaxListEntries} entries");
        Require(Fetch.Count <= DescriptorLimits.MaxListEntries, nameof(Fetch), Fetch.Count, $"a list of at most {DescriptorLimits.MaxListEntries} entries");
        for (var i = 0; i < Notify.Count; i++)
        {
            Require(IsEndpoint(Notify[i], ["udp"]), nameof(Notify), Notify[i], "udp://host:port (a peer's notification endpoint, §6.1), at most 200 characters");
        }

        for (var i = 0; i < Fetch.Count; i++)
        {
            Require(IsEndpoint(Fetch[i], FetchSchemes), nameof(Fetch), Fetch[i], "https://, tern+tcp:// or quic://host:port (a fetch door a peer reaches, §8), at most 200 characters");
        }
    }

    /// <summary>An absolute URI of one of <paramref name="schemes"/> with a host and an explicit port, nothing after them but a path for https.</summary>
    internal static bool IsEndpoint(string? value, string[] schemes)
    {
        if (value is null || value.Length > DescriptorLimits.MaxEntryLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var explicitPort = uri.Authority.Contains(':', StringComparison.Ordinal) && uri.Port is > 0 and <= 65535;
        var portRequired = uri.Scheme != "https";
        return Array.IndexOf(schemes, uri.Scheme) >= 0 && uri.Host.Length > 0 && uri.UserInfo.Length == 0
            && (explicitPort || !portRequired) && uri.Query.Length == 0 && uri.Fragment.Length == 0
            && (uri.Scheme == "https" || uri.AbsolutePath == "/");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"WellKnownOptions.{name} is {value}; it must be {expected}."));
        }
    }
}
