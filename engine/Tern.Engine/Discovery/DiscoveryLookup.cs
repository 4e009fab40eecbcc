using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>
/// One lookup of one domain over the network (docs/PROTOCOL.md §3 problem 1, §6): the TXT fingerprint and both SRV
/// records, the signed descriptor from <c>/.well-known/tern</c>, its verification, then the notification endpoint and
/// fetch doors. Holds no state between lookups; <see cref="DomainDiscovery"/> caches what it returns.
/// </summary>
internal sealed partial class DiscoveryLookup(IDiscoveryDns dns, IDescriptorFetcher fetcher, DiscoveryOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Looks <paramref name="domain"/> up. <paramref name="remembered"/> are the fingerprints of its last verified
    /// descriptor, used only when DNS does not answer (§6.2: "or the one cached from earlier contact").
    /// </summary>
    public async Task<DiscoveryResult> RunAsync(string domain, IReadOnlyList<Bytes32>? remembered, CancellationToken cancellationToken)
    {
        var txtQuery = dns.QueryTxtAsync(TernDnsRecords.TxtOwner(domain).TrimEnd('.'), cancellationToken).AsTask();
        var udpQuery = dns.QuerySrvAsync(TernDnsRecords.NotifySrvOwner(domain).TrimEnd('.'), cancellationToken).AsTask();
        var tcpQuery = dns.QuerySrvAsync(TernDnsRecords.FetchSrvOwner(domain).TrimEnd('.'), cancellationToken).AsTask();
        await Task.WhenAll(txtQuery, udpQuery, tcpQuery).ConfigureAwait(false);
        var txt = txtQuery.Result;
        var udp = udpQuery.Result;
        var tcp = tcpQuery.Result;

        var lifetime = options.MaxTtl;
        var fingerprints = Fingerprints(domain, txt, udp, tcp, remembered, out var failure);
        if (fingerprints is null)
        {
            return failure;
        }

        if (txt.Status == DnsLookupStatus.Answered)
        {
            lifetime = Min(lifetime, txt.Ttl);
        }
        else
        {
            // Checked against fingerprints remembered while DNS is away: ask DNS again soon.
            lifetime = Min(lifetime, options.NegativeTtl);
        }

        var download = await fetcher.FetchAsync(domain, cancellationToken).ConfigureAwait(false);
        if (download.Status != DescriptorDownloadStatus.Ok)
        {
            return DownloadFailure(domain, download);
        }

        if (download.MaxAge is { } maxAge)
        {
            lifetime = Min(lifetime, maxAge);
        }

        var now = time.GetUtcNow();
        var verification = SignedDescriptor.Verify(download.Body.Span, domain, now, fingerprints);
        if (!verification.IsValid)
        {
            return VerificationFailure(verification);
        }

        var descriptor = verification.Descriptor;
        var (endpoint, problem, endpointTtl) = await NotifyEndpointAsync(domain, descriptor, udp, cancellationToken).ConfigureAwait(false);
        lifetime = Min(lifetime, endpointTtl);
        var doors = FetchDoors(descriptor, tcp, ref lifetime);

        lifetime = lifetime < options.MinTtl ? options.MinTtl : lifetime;
        var expires = now + lifetime;
        if (descriptor.ExpiresAt < expires)
        {
            expires = descriptor.ExpiresAt;
        }

        var peer = new DiscoveredPeer
        {
            Domain = domain,
            Descriptor = descriptor,
            NotifyEndpoint = endpoint,
            NotifyEndpointProblem = problem,
            FetchDoors = doors,
            Fingerprints = fingerprints,
            Source = DiscoverySource.Dns,
        };
        return DiscoveryResult.Found(peer, expires);
    }

    /// <summary>The fingerprints to check the descriptor against (§6.2, §6.3), or null with the failure in <paramref name="failure"/>.</summary>
    private IReadOnlyList<Bytes32>? Fingerprints(string domain, DnsLookup<string> txt, DnsLookup<SrvRecord> udp, DnsLookup<SrvRecord> tcp, IReadOnlyList<Bytes32>? remembered, out DiscoveryResult failure)
    {
        failure = default;
        switch (txt.Status)
        {
            case DnsLookupStatus.Answered:
                return FromTxt(domain, txt.Records, out failure);

            case DnsLookupStatus.NotFound when udp.Status == DnsLookupStatus.NotFound && tcp.Status == DnsLookupStatus.NotFound:
                failure = Fail(
                    DiscoveryFailure.DomainNotFound,
                    $"NXDOMAIN for {TernDnsRecords.TxtOwner(domain)}, {TernDnsRecords.NotifySrvOwner(domain)} and {TernDnsRecords.FetchSrvOwner(domain)}",
                    lifetime: NegativeLifetime(Min(txt.NegativeTtl, Min(udp.NegativeTtl, tcp.NegativeTtl))));
                return null;

            case DnsLookupStatus.NotFound or DnsLookupStatus.NoRecords:
                // The domain says it has no fingerprint: a remembered one is not used against what DNS publishes.
                failure = Fail(DiscoveryFailure.TxtMissing, $"no TXT record at {TernDnsRecords.TxtOwner(domain)} ({txt.Status})", lifetime: NegativeLifetime(txt.NegativeTtl));
                return null;

            default:
                if (remembered is { Count: > 0 })
                {
                    DiscoveryLogMessages.RememberedFingerprints(logger, domain, txt.Status, txt.Detail);
                    return remembered;
                }

                // A server away or failing (SERVFAIL, REFUSED) may be back in seconds: asked again soon. An answer that
                // cannot be used (unreadable, a CNAME loop) is what the zone serves: kept as long as other failures.
                failure = Fail(
                    txt.Status == DnsLookupStatus.Timeout ? DiscoveryFailure.DnsTimeout : DiscoveryFailure.DnsFailure,
                    $"TXT {TernDnsRecords.TxtOwner(domain)}: {txt.Status}: {txt.Detail}",
                    lifetime: txt.Status is DnsLookupStatus.Timeout or DnsLookupStatus.ServerFailure ? options.ServerFailureRetry : options.NegativeTtl);
                return null;
        }
    }

    private List<Bytes32>? FromTxt(string domain, IReadOnlyList<string> values, out DiscoveryResult failure)
    {
        // Other TXT records may share the name (§6.3: a first pair that is not v=… is not a Tern record); several Tern
        // records pool their fingerprints, any of which may match.
        List<Bytes32>? fingerprints = null;
        TxtRecordParse? invalid = null;
        foreach (var value in values)
        {
            var parsed = TernDnsRecords.ParseTxtValue(value);
            if (parsed.IsValid)
            {
                (fingerprints ??= []).AddRange(parsed.Fingerprints);
            }
            else if (parsed.Failure != TxtRecordFailure.NotTern)
            {
                invalid ??= parsed;
            }
        }

        if (fingerprints is not null)
        {
            failure = default;
            return fingerprints;
        }

        failure = invalid is { } bad
            ? Fail(DiscoveryFailure.TxtInvalid, $"TXT {TernDnsRecords.TxtOwner(domain)}: {bad}")
            : Fail(DiscoveryFailure.TxtMissing, $"none of the {values.Count} TXT record(s) at {TernDnsRecords.TxtOwner(domain)} is a Tern record (v=tern1)");
        return null;
    }

    private DiscoveryResult DownloadFailure(string domain, DescriptorDownload download)
    {
        var where = $"https://{domain}/.well-known/tern";
        return download.Status switch
        {
            DescriptorDownloadStatus.HttpStatus => Fail(
                DiscoveryFailure.DescriptorHttpStatus,
                $"{where} answered HTTP {download.StatusCode}{(download.Detail is null ? string.Empty : ": " + download.Detail)}",
                download.StatusCode is >= 500 or 429 or 408),
            DescriptorDownloadStatus.Timeout => Fail(DiscoveryFailure.DescriptorTimeout, $"{where}: {download.Detail}"),
            DescriptorDownloadStatus.TooLarge => Fail(DiscoveryFailure.DescriptorTooLarge, $"{where}: {download.Detail}"),
            _ => Fail(DiscoveryFailure.DescriptorUnreachable, $"{where}: {download.Detail}"),
        };
    }

    private DiscoveryResult VerificationFailure(DescriptorVerification verification) => verification.Failure switch
    {
        DescriptorFailure.BadSignature => Fail(DiscoveryFailure.SignatureInvalid, verification.ToString()),
        DescriptorFailure.FingerprintMismatch => Fail(DiscoveryFailure.FingerprintMismatch, verification.ToString()),
        DescriptorFailure.BadRotationSignature => Fail(DiscoveryFailure.RotationSignatureInvalid, verification.ToString()),
        DescriptorFailure.TooLarge => Fail(DiscoveryFailure.DescriptorTooLarge, verification.ToString()),
        _ => Fail(DiscoveryFailure.DescriptorInvalid, verification.ToString()),
    };

    private DiscoveryResult Fail(DiscoveryFailure failure, string detail, bool? transient = null, TimeSpan? lifetime = null)
        => DiscoveryResult.Fail(failure, detail, time.GetUtcNow() + (lifetime ?? options.NegativeTtl), transient);

    /// <summary>
    /// How long an NXDOMAIN or an empty answer is kept: the zone's own negative TTL from the SOA record sent with it (RFC
    /// 2308 §5), between <see cref="DiscoveryOptions.ServerFailureRetry"/> and <see cref="DiscoveryOptions.MaxNegativeTtl"/>;
    /// <see cref="DiscoveryOptions.NegativeTtl"/> when the answer had none.
    /// </summary>
    private TimeSpan NegativeLifetime(TimeSpan? zone) => zone is not { } ttl ? options.NegativeTtl
        : ttl > options.MaxNegativeTtl ? options.MaxNegativeTtl
        : ttl < options.ServerFailureRetry ? options.ServerFailureRetry
        : ttl;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is not { } x ? b : b is not { } y ? a : Min(x, y);
}
