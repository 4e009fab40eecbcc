using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Tern.Engine.Discovery;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

namespace Tern.Cli.Doctor;

/// <summary>
/// The checks of <c>tern doctor</c> on a node's machine: the crypto library, the data directory's keys and free space,
/// the configured ports, the clock, and the DNS records as published against those the local key set expects (§6.3).
/// </summary>
internal static class NodeChecks
{
    /// <summary>Below this much free space on the data directory's file system, a warning.</summary>
    public const long LowDiskBytes = 1L << 30;

    public static DoctorCheck Sodium()
    {
        try
        {
            return new("libsodium", DoctorVerdict.Ok, $"libsodium {Engine.Crypto.Sodium.Version} loaded through NSec.Cryptography {Engine.Crypto.Sodium.NsecVersion}");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return new("libsodium", DoctorVerdict.Fail, $"NSec's libsodium does not load: {e.Message}");
        }
    }

    public static DoctorCheck Keys(string dataDirectory, out DomainKeySet? keys)
    {
        keys = null;
        var directory = TernDataDirectory.Keys(dataDirectory);
        try
        {
            keys = DomainKeySet.Load(directory);
            return new("keys", DoctorVerdict.Ok, $"{keys.Domain}, fingerprint {keys.Fingerprint} ({directory})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            return new("keys", DoctorVerdict.Fail, $"{directory}: {e.Message} (tern init makes them)");
        }
    }

    public static DoctorCheck Disk(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return new("disk", DoctorVerdict.Fail, $"{dataDirectory}: no such directory");
        }

        var drive = new DriveInfo(Path.GetFullPath(dataDirectory));
        var free = drive.AvailableFreeSpace;
        return new("disk", free < LowDiskBytes ? DoctorVerdict.Warn : DoctorVerdict.Ok,
            $"{free >> 20} MiB free of {drive.TotalSize >> 20} MiB on {drive.RootDirectory.FullName} ({dataDirectory})");
    }

    /// <summary>Each configured listener: free to bind, or bound already (by the node if it runs).</summary>
    public static IEnumerable<DoctorCheck> Ports(string dataDirectory)
    {
        var settings = ReadSettings(dataDirectory);
        foreach (var (name, section, key, fallback, udp) in new[]
        {
            ("notify port", "Node", "NotifyEndpoint", "0.0.0.0:7400", true),
            ("framed door", "Node", "FramedEndpoint", "", false),
            ("HTTP door", "Node", "HttpEndpoint", "", false),
            ("client API", "ClientApi", "Listen", "127.0.0.1:7480", false),
        })
        {
            var value = Setting(settings, section, key) ?? fallback;
            if (value.Length == 0)
            {
                continue;
            }

            if (!IPEndPoint.TryParse(value, out var endpoint))
            {
                yield return new(name, DoctorVerdict.Fail, $"Tern:{section}:{key} '{value}' is not an address and port");
                continue;
            }

            yield return Probe(name, endpoint, udp);
        }
    }

    public static DoctorCheck Clock(DateTimeOffset now)
    {
        // No network time source is assumed; the build date is a floor a correct clock is past.
        var built = File.GetLastWriteTimeUtc(typeof(NodeChecks).Assembly.Location);
        return now.UtcDateTime < built.AddDays(-1)
            ? new("clock", DoctorVerdict.Fail, $"the clock says {now:O}, before this build of tern ({built:O}): descriptors and expiries will be judged wrongly")
            : new("clock", DoctorVerdict.Ok, $"{now:O} (UTC)");
    }

    /// <summary>The TXT fingerprint and SRV records as published, against what the local key set expects (docs/PROTOCOL.md §6.3).</summary>
    public static async Task<IReadOnlyList<DoctorCheck>> DnsAsync(IDiscoveryDns dns, DomainKeySet keys, CancellationToken cancellationToken)
    {
        var (checks, _, _) = await PublishedAsync(dns, keys, cancellationToken).ConfigureAwait(false);
        return checks;
    }

    /// <summary>
    /// The DNS checks, then the descriptor served at <c>https://&lt;domain&gt;/.well-known/tern</c> (§6.2) against what DNS
    /// publishes: it must verify under a fingerprint the TXT record names, carry this key set's agreement key, and list the
    /// notification port the SRV record names.
    /// </summary>
    public static async Task<IReadOnlyList<DoctorCheck>> DnsAndDescriptorAsync(IDiscoveryDns dns, IDescriptorFetcher fetcher, DomainKeySet keys, CancellationToken cancellationToken)
    {
        var (checks, fingerprints, notifyPorts) = await PublishedAsync(dns, keys, cancellationToken).ConfigureAwait(false);
        checks.Add(await DescriptorCheck.RunAsync(fetcher, keys, fingerprints, notifyPorts, cancellationToken).ConfigureAwait(false));
        return checks;
    }

    private static async Task<(List<DoctorCheck> Checks, List<Bytes32> Fingerprints, List<int> NotifyPorts)> PublishedAsync(IDiscoveryDns dns, DomainKeySet keys, CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        var fingerprints = new List<Bytes32>();
        var notifyPorts = new List<int>();
        var txtOwner = TernDnsRecords.TxtOwner(keys.Domain);
        var txt = await dns.QueryTxtAsync(txtOwner, cancellationToken).ConfigureAwait(false);
        var expected = keys.Fingerprint;
        if (txt.Status != DnsLookupStatus.Answered)
        {
            checks.Add(new("DNS TXT", DoctorVerdict.Fail, $"{txtOwner}: {txt}; expected {TernDnsRecords.FormatTxtValue([Bytes32.Parse(expected)])}"));
        }
        else
        {
            var published = new List<string>();
            foreach (var record in txt.Records)
            {
                var parsed = TernDnsRecords.ParseTxtValue(record);
                if (parsed.IsValid)
                {
                    published.AddRange(parsed.Fingerprints.Select(f => f.ToString()));
                    fingerprints.AddRange(parsed.Fingerprints);
                }
            }

            checks.Add(published.Contains(expected)
                ? new("DNS TXT", DoctorVerdict.Ok, $"{txtOwner} publishes this key set's fingerprint {expected}")
                : new("DNS TXT", DoctorVerdict.Fail, $"{txtOwner} publishes [{string.Join(", ", published)}], not this key set's {expected}"));
        }

        foreach (var (name, owner) in new[] { ("DNS SRV notify", TernDnsRecords.NotifySrvOwner(keys.Domain)), ("DNS SRV fetch", TernDnsRecords.FetchSrvOwner(keys.Domain)) })
        {
            var srv = await dns.QuerySrvAsync(owner, cancellationToken).ConfigureAwait(false);
            if (name == "DNS SRV notify" && srv.Status == DnsLookupStatus.Answered)
            {
                notifyPorts.AddRange(srv.Records.Select(r => (int)r.Port));
            }

            checks.Add(srv.Status == DnsLookupStatus.Answered && srv.Records.Count > 0
                ? new(name, DoctorVerdict.Ok, $"{owner} {string.Join(", ", srv.Records.Select(r => $"{r.Target}:{r.Port}"))}")
                : new(name, DoctorVerdict.Fail, $"{owner}: {srv} (tern init prints the records to publish)"));
        }

        return (checks, fingerprints, notifyPorts);
    }

    private static DoctorCheck Probe(string name, IPEndPoint endpoint, bool udp)
    {
        using var socket = udp
            ? new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            return new(name, DoctorVerdict.Ok, $"{(udp ? "udp" : "tcp")} {endpoint} is free to bind");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return new(name, DoctorVerdict.Warn, $"{(udp ? "udp" : "tcp")} {endpoint} is bound already (the node, if it is running)");
        }
        catch (SocketException e)
        {
            return new(name, DoctorVerdict.Fail, $"{(udp ? "udp" : "tcp")} {endpoint} cannot be bound: {e.SocketErrorCode} ({e.Message})");
        }
    }

    /// <summary>
    /// The CAs the node trusts for descriptors instead of the system's (<c>Tern:Node:DescriptorTrustedRoots</c> in its
    /// settings), so the doctor checks the node's own descriptor as its peers under the same private PKI would; null
    /// when the node uses the system's trust store.
    /// </summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2Collection? DescriptorRoots(string dataDirectory)
    {
        if (Setting(ReadSettings(dataDirectory), "Node", "DescriptorTrustedRoots") is not { Length: > 0 } file)
        {
            return null;
        }

        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        roots.ImportFromPemFile(Path.Combine(dataDirectory, file));
        return roots.Count > 0 ? roots : null;
    }

    private static JsonElement? ReadSettings(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, TernDataDirectory.SettingsFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: {e.Message}", ExitCodes.Configuration);
        }
    }

    private static string? Setting(JsonElement? settings, string section, string key) =>
        settings is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("Tern", out var tern) && tern.ValueKind == JsonValueKind.Object
            && tern.TryGetProperty(section, out var part) && part.ValueKind == JsonValueKind.Object
            && part.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
