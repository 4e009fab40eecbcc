using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Tern.Engine.Discovery;
using EngineSrv = Tern.Engine.Protocol.Descriptor.SrvRecord;

namespace Tern.Transports.Discovery;

/// <summary>
/// Discovery's DNS queries over DnsClient (UDP, TCP when an answer is truncated), against the configured name servers.
/// DnsClient's own cache is off: <see cref="DomainDiscovery"/> caches whole answers by their TTLs, and absences by the
/// SOA record that comes with them (RFC 2308). Failures come back classified, never thrown.
/// </summary>
internal sealed class DnsClientDiscoveryDns : IDiscoveryDns
{
    /// <summary>Longest CNAME chain from the name asked that an answer may hold (resolvers stop at about as many).</summary>
    internal const int MaxCnameChain = 8;

    private readonly LookupClient _client;
    private readonly ILogger _logger;

    public DnsClientDiscoveryDns(DiscoveryNetworkOptions options, ILogger logger)
    {
        var settings = options.NameServers.Count > 0
            ? new LookupClientOptions([.. options.NameServers.Select(server => new NameServer(server))])
            : new LookupClientOptions();
        settings.UseCache = false;
        settings.ThrowDnsErrors = false;
        settings.UseTcpFallback = true;
        settings.Timeout = options.DnsTimeout;
        settings.Retries = options.DnsRetries;
        settings.ContinueOnDnsError = true;
        settings.ContinueOnEmptyResponse = false;
        _client = new LookupClient(settings);
        _logger = logger;
    }

    public async ValueTask<DnsLookup<EngineSrv>> QuerySrvAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.SRV, cancellationToken).ConfigureAwait(false);
        if (response.Failure is { } failure)
        {
            return DnsLookup.Fail<EngineSrv>(failure.Status, failure.Detail, response.NegativeTtl);
        }

        var records = new List<EngineSrv>();
        var ttl = int.MaxValue;
        string? refused = null;
        foreach (var record in response.Answer!.Answers.SrvRecords())
        {
            var target = record.Target.Value.TrimEnd('.');
            if (target.Length == 0)
            {
                // RFC 2782: a target of "." says the service is decidedly not offered at this domain.
                return DnsLookup.Fail<EngineSrv>(DnsLookupStatus.NoRecords, $"SRV {name} has target '.': the service is not offered");
            }

            try
            {
                records.Add(new EngineSrv(record.Priority, record.Weight, record.Port, target));
                ttl = Math.Min(ttl, record.TimeToLive);
            }
            catch (ArgumentException e)
            {
                refused ??= $"SRV record '{record.Priority} {record.Weight} {record.Port} {Excerpt(record.Target.Value)}' is unusable: {e.Message}";
            }
        }

        if (records.Count == 0 && refused is not null)
        {
            return Failed<EngineSrv>(name, "SRV", DnsLookupStatus.Malformed, refused);
        }

        return DnsLookup.Answer<EngineSrv>(records, TimeSpan.FromSeconds(records.Count == 0 ? 0 : ttl), response.NegativeTtl);
    }

    public async ValueTask<DnsLookup<string>> QueryTxtAsync(string name, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(name, QueryType.TXT, cancellationToken).ConfigureAwait(false);
        if (response.Failure is { } failure)
        {
            return DnsLookup.Fail<string>(failure.Status, failure.Detail, response.NegativeTtl);
        }

        var values = new List<string>();
        var ttl = int.MaxValue;
        foreach (var record in response.Answer!.Answers.TxtRecords())
        {
            // §6.3: a record's character-strings are joined without separator.
            values.Add(string.Concat(record.Text));
            ttl = Math.Min(ttl, record.TimeToLive);
        }

        return DnsLookup.Answer<string>(values, TimeSpan.FromSeconds(values.Count == 0 ? 0 : ttl), response.NegativeTtl);
    }

    public async ValueTask<DnsLookup<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var v4Query = QueryAsync(host, QueryType.A, cancellationToken).AsTask();
        var v6Query = QueryAsync(host, QueryType.AAAA, cancellationToken).AsTask();
        await Task.WhenAll(v4Query, v6Query).ConfigureAwait(false);
        var v4 = v4Query.Result;
        var v6 = v6Query.Result;

        var addresses = new List<IPAddress>();
        var ttl = int.MaxValue;
        foreach (var response in (ReadOnlySpan<QueryOutcome>)[v4, v6])
        {
            if (response.Answer is null)
            {
                continue;
            }

            foreach (var record in response.Answer.Answers)
            {
                if (record is ARecord a)
                {
                    addresses.Add(a.Address);
                    ttl = Math.Min(ttl, a.TimeToLive);
                }
                else if (record is AaaaRecord aaaa)
                {
                    addresses.Add(aaaa.Address);
                    ttl = Math.Min(ttl, aaaa.TimeToLive);
                }
            }
        }

        if (addresses.Count > 0)
        {
            return DnsLookup.Answer<IPAddress>(addresses, TimeSpan.FromSeconds(ttl));
        }

        // Neither family answered: the IPv4 query's failure says why (both NXDOMAIN, or a server away).
        return v4.Failure is { } failure ? DnsLookup.Fail<IPAddress>(failure.Status, failure.Detail, v4.NegativeTtl) : DnsLookup.Answer<IPAddress>([], TimeSpan.Zero, v4.NegativeTtl);
    }

    private async ValueTask<QueryOutcome> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout || e.InnerException is SocketException or TimeoutException or OperationCanceledException)
        {
            return Failure(name, type, DnsLookupStatus.Timeout, $"no answer from {Servers()}: {Describe(e)}");
        }
        catch (DnsResponseException e)
        {
            return Failure(name, type, DnsLookupStatus.Malformed, $"the answer from {Servers()} could not be read: {Describe(e)}");
        }
        catch (SocketException e)
        {
            return Failure(name, type, DnsLookupStatus.Timeout, $"no answer from {Servers()}: {e.Message}");
        }
#pragma warning disable CA1031 // An answer DnsClient cannot read is a malformed answer, whatever it throws.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return Failure(name, type, DnsLookupStatus.Malformed, $"the answer could not be read: {e.GetType().Name}: {e.Message}");
        }

        if (!response.HasError)
        {
            // DnsClient hands over the answer section as the server sent it; a resolver follows CNAMEs, and one that
            // relays a loop (a → b → a) or an endless chain gives an answer no lookup can use: refused here, in one look.
            return CnameProblem(name, response.Answers) is { } problem
                ? Failure(name, type, DnsLookupStatus.Malformed, problem)
                : new QueryOutcome(response, null, NegativeTtlOf(response));
        }

        var code = (DnsResponseCode)response.Header.ResponseCode;
        return code == DnsResponseCode.NotExistentDomain
            ? Failure(name, type, DnsLookupStatus.NotFound, "NXDOMAIN", NegativeTtlOf(response))
            : Failure(name, type, DnsLookupStatus.ServerFailure, $"{code}: {response.ErrorMessage}");
    }

    /// <summary>
    /// How long the absence the answer tells may be cached: min(TTL, MINIMUM) of the SOA record in its authority section
    /// (RFC 2308 §5), or null when it has none (an answer with records, or a server that sent no SOA).
    /// </summary>
    private static TimeSpan? NegativeTtlOf(IDnsQueryResponse response)
    {
        foreach (var soa in response.Authorities.SoaRecords())
        {
            return TimeSpan.FromSeconds(Math.Min(Math.Max(soa.TimeToLive, 0), soa.Minimum));
        }

        return null;
    }

    /// <summary>
    /// The CNAME chain the answer holds from <paramref name="name"/>: null when it ends (or there is none), otherwise what is
    /// wrong with it, a loop or a chain longer than <see cref="MaxCnameChain"/>, naming the names.
    /// </summary>
    internal static string? CnameProblem(string name, IReadOnlyList<DnsResourceRecord> answers)
    {
        Dictionary<string, string>? aliases = null;
        foreach (var alias in answers.CnameRecords())
        {
            (aliases ??= new(StringComparer.OrdinalIgnoreCase))[alias.DomainName.Value.TrimEnd('.')] = alias.CanonicalName.Value.TrimEnd('.');
        }

        if (aliases is null)
        {
            return null;
        }

        var chain = new List<string> { name.TrimEnd('.') };
        while (aliases.TryGetValue(chain[^1], out var next))
        {
            var loop = chain.Exists(seen => string.Equals(seen, next, StringComparison.OrdinalIgnoreCase));
            chain.Add(next);
            if (loop)
            {
                return $"CNAME loop: {string.Join(" → ", chain.Select(Excerpt))}";
            }

            if (chain.Count > MaxCnameChain + 1)
            {
                return $"CNAME chain longer than {MaxCnameChain}: {string.Join(" → ", chain.Select(Excerpt))} …";
            }
        }

        return null;
    }

    private QueryOutcome Failure(string name, QueryType type, DnsLookupStatus status, string detail, TimeSpan? negativeTtl = null)
    {
        DiscoveryNetworkLogMessages.QueryFailed(_logger, type.ToString(), name, status, detail);
        return new QueryOutcome(null, (status, detail), negativeTtl);
    }

    private DnsLookup<T> Failed<T>(string name, string type, DnsLookupStatus status, string detail)
    {
        DiscoveryNetworkLogMessages.QueryFailed(_logger, type, name, status, detail);
        return DnsLookup.Fail<T>(status, detail);
    }

    private static string Describe(DnsResponseException e)
        => e.InnerException is { } inner ? $"{e.Code}: {inner.GetType().Name}: {inner.Message}" : $"{e.Code}: {e.Message}";

    private string Servers() => string.Join(", ", _client.NameServers.Select(server => server.ToString()));

    private static string Excerpt(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private readonly record struct QueryOutcome(IDnsQueryResponse? Answer, (DnsLookupStatus Status, string Detail)? Failure, TimeSpan? NegativeTtl);
}
