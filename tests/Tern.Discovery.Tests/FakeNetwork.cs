using System.Net;
using Tern.Engine.Discovery;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Discovery.Tests;

/// <summary>An in-memory DNS and web server for the cache's own rules (no sockets): published domains and counts.</summary>
public sealed class FakeNetwork : IDiscoveryDns, IDescriptorFetcher
{
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _txt = new(StringComparer.Ordinal);
    private int _fetches;

    public int Fetches => Volatile.Read(ref _fetches);

    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The web server answers 503 to every fetch.</summary>
    public bool WebDown { get; set; }

    /// <summary>Withdraws the domain's TXT record (its descriptor stays served).</summary>
    public void WithdrawTxt(string domain)
    {
        lock (_documents)
        {
            _txt.Remove("_tern." + domain);
        }
    }

    public void Publish(TestPeer peer)
    {
        lock (_documents)
        {
            _documents[peer.Domain] = peer.Document();
            _txt["_tern." + peer.Domain] = TernDnsRecords.FormatTxtValue(peer.Fingerprint);
        }
    }

    public ValueTask<DnsLookup<SrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken)
        => ValueTask.FromResult(DnsLookup.Fail<SrvRecord>(DnsLookupStatus.NotFound, "NXDOMAIN"));

    public ValueTask<DnsLookup<string>> QueryTxtAsync(string name, CancellationToken cancellationToken)
    {
        lock (_documents)
        {
            return ValueTask.FromResult(_txt.TryGetValue(name, out var value)
                ? DnsLookup.Answer<string>([value], Ttl)
                : DnsLookup.Fail<string>(DnsLookupStatus.NotFound, "NXDOMAIN"));
        }
    }

    public ValueTask<DnsLookup<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken)
        => ValueTask.FromResult(DnsLookup.Fail<IPAddress>(DnsLookupStatus.NotFound, "NXDOMAIN"));

    public ValueTask<DescriptorDownload> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetches);
        if (WebDown)
        {
            return ValueTask.FromResult(DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, "Service Unavailable", 503));
        }

        lock (_documents)
        {
            return ValueTask.FromResult(_documents.TryGetValue(domain, out var document)
                ? DescriptorDownload.Ok(document)
                : DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, "Not Found", 404));
        }
    }
}
