using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

internal sealed partial class DiscoveryLookup
{
    /// <summary>
    /// Where notifications go: the <c>_tern._udp</c> SRV target (RFC 2782 order: priority, then weight), else the
    /// descriptor's first usable <c>notify</c> entry (docs/PROTOCOL.md §3 problem 1). Returns the TTL that bounds it.
    /// </summary>
    private async Task<(IPEndPoint? Endpoint, string? Problem, TimeSpan Ttl)> NotifyEndpointAsync(string domain, DomainDescriptor descriptor, DnsLookup<SrvRecord> udp, CancellationToken cancellationToken)
    {
        string srvProblem;
        if (udp.Status == DnsLookupStatus.Answered)
        {
            foreach (var record in InSrvOrder(udp.Records))
            {
                var addresses = await dns.QueryAddressesAsync(record.Target, cancellationToken).ConfigureAwait(false);
                if (Pick(addresses.Records) is { } address)
                {
                    return (new IPEndPoint(address, record.Port), null, Min(udp.Ttl, addresses.Ttl));
                }
            }

            srvProblem = $"no address for any target of {TernDnsRecords.NotifySrvOwner(domain)}";
        }
        else
        {
            srvProblem = $"no SRV record at {TernDnsRecords.NotifySrvOwner(domain)} ({udp.Status})";
        }

        foreach (var entry in descriptor.Notify)
        {
            if (!TryParseUdp(entry, out var host, out var port))
            {
                continue;
            }

            if (IPAddress.TryParse(host, out var literal))
            {
                return (new IPEndPoint(literal, port), null, options.MaxTtl);
            }

            var addresses = await dns.QueryAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (Pick(addresses.Records) is { } address)
            {
                return (new IPEndPoint(address, port), null, addresses.Ttl);
            }
        }

        return (null, $"{srvProblem}, and no usable udp://host:port entry in the descriptor's notify list", options.MaxTtl);
    }

    /// <summary>The descriptor's doors, then a <c>tern+tcp://</c> door for each <c>_tern._tcp</c> SRV record not already listed.</summary>
    private static List<string> FetchDoors(DomainDescriptor descriptor, DnsLookup<SrvRecord> tcp, ref TimeSpan lifetime)
    {
        var doors = new List<string>(descriptor.Fetch);
        if (tcp.Status != DnsLookupStatus.Answered)
        {
            return doors;
        }

        foreach (var record in InSrvOrder(tcp.Records))
        {
            var door = string.Create(CultureInfo.InvariantCulture, $"tern+tcp://{record.Target}:{record.Port}");
            if (!doors.Contains(door))
            {
                doors.Add(door);
                lifetime = Min(lifetime, tcp.Ttl);
            }
        }

        return doors;
    }

    /// <summary>RFC 2782: lowest priority first; within a priority, a weighted random order.</summary>
    private static List<SrvRecord> InSrvOrder(IReadOnlyList<SrvRecord> records)
    {
        var byPriority = new List<SrvRecord>(records);
        byPriority.Sort((a, b) => a.Priority.CompareTo(b.Priority));
        var ordered = new List<SrvRecord>(byPriority.Count);
        var start = 0;
        while (start < byPriority.Count)
        {
            var end = start;
            while (end < byPriority.Count && byPriority[end].Priority == byPriority[start].Priority)
            {
                end++;
            }

            var group = byPriority.GetRange(start, end - start);
            while (group.Count > 0)
            {
                var total = 0L;
                foreach (var record in group)
                {
                    total += record.Weight;
                }

                var index = 0;
                if (total > 0)
                {
                    var pick = Random.Shared.NextInt64(total + 1);
                    var running = 0L;
                    for (index = 0; index < group.Count - 1; index++)
                    {
                        running += group[index].Weight;
                        if (running >= pick && (group[index].Weight > 0 || pick == 0))
                        {
                            break;
                        }
                    }
                }

                ordered.Add(group[index]);
                group.RemoveAt(index);
            }

            start = end;
        }

        return ordered;
    }

    private IPAddress? Pick(IReadOnlyList<IPAddress> addresses)
    {
        IPAddress? other = null;
        foreach (var address in addresses)
        {
            var v6 = address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6;
            if (v6 == options.PreferIPv6)
            {
                return address;
            }

            other ??= address;
        }

        return other;
    }

    /// <summary>Parses <c>udp://host:port</c> (§6.1 <c>notify</c>); a host in brackets is an IPv6 literal.</summary>
    internal static bool TryParseUdp(string entry, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        const string Scheme = "udp://";
        if (!entry.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authority = entry.AsSpan(Scheme.Length).TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        var name = authority[..colon];
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            host = name[1..^1].ToString();
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        host = name.ToString().ToLowerInvariant();
        if (IPAddress.TryParse(host, out var v4))
        {
            return v4.AddressFamily == AddressFamily.InterNetwork;
        }

        return host.Length <= Protocol.DomainName.MaxLength && Protocol.DomainName.IsValid(System.Text.Encoding.ASCII.GetBytes(host)) && !host.Any(c => c > 127);
    }
}
