using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tern.Engine.Discovery;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Transports.Discovery;

/// <summary>
/// Fetches <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2) with HttpClient: host names resolved
/// through discovery's own name servers, TLS checked against the system's trust store or the configured roots (never
/// skipped), the whole fetch bounded in time and the body in size (16 KiB, §12), at most three HTTPS redirects on the
/// domain's own host, and a Content-Type, when there is one, of application/json.
/// </summary>
internal sealed class HttpsDescriptorFetcher : IDescriptorFetcher, IDisposable
{
    /// <summary>Redirects followed at most, each on the domain's own host over HTTPS.</summary>
    private const int MaxRedirects = 3;

    private readonly HttpClient _http;
    private readonly IDiscoveryDns _dns;
    private readonly DiscoveryNetworkOptions _options;
    private readonly ILogger _logger;

    public HttpsDescriptorFetcher(DiscoveryNetworkOptions options, IDiscoveryDns dns, ILogger logger)
    {
        _options = options;
        _dns = dns;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            ConnectTimeout = options.ConnectTimeout,
            // Redirects are followed here, by the rules of FollowAsync, not by the handler (which would go to another host).
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Proxies would resolve names elsewhere than discovery's name servers.
            UseProxy = false,
            UseCookies = false,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions(),
        };
        if (options.TrustedRoots is { } roots)
        {
            // Chains must end at one of these roots instead of the system's; the host name is still checked by SslStream.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(SignedDescriptor.MediaType));
    }

    /// <summary>Where the descriptor of <paramref name="domain"/> is fetched from.</summary>
    public Uri LocationOf(string domain) => new(_options.DescriptorPort == 443
        ? $"https://{domain}/.well-known/tern"
        : string.Create(CultureInfo.InvariantCulture, $"https://{domain}:{_options.DescriptorPort}/.well-known/tern"));

    public async ValueTask<DescriptorDownload> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var result = await FetchCoreAsync(domain, cancellationToken).ConfigureAwait(false);
        if (result.Status != DescriptorDownloadStatus.Ok)
        {
            DiscoveryNetworkLogMessages.FetchFailed(_logger, domain, result.Status, result.Detail);
        }

        return result;
    }

    private async Task<DescriptorDownload> FetchCoreAsync(string domain, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.DescriptorTimeout);
        try
        {
            var (followed, refused) = await FollowAsync(domain, deadline.Token).ConfigureAwait(false);
            if (refused is { } redirect)
            {
                return redirect;
            }

            using var response = followed!;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, response.ReasonPhrase ?? response.StatusCode.ToString(), (int)response.StatusCode);
            }

            // A page of another type (a web server's default page, a captive portal, a login form) is not the document;
            // none at all is let through to the parser, which refuses anything but the signed JSON.
            if (response.Content.Headers.ContentType?.MediaType is { } type && !string.Equals(type, SignedDescriptor.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, $"Content-Type {type}, not {SignedDescriptor.MediaType}", (int)response.StatusCode);
            }

            if (response.Content.Headers.ContentLength is > DescriptorLimits.MaxDocumentSize)
            {
                return TooLarge($"Content-Length {response.Content.Headers.ContentLength}");
            }

            var body = new byte[DescriptorLimits.MaxDocumentSize + 1];
            var length = 0;
            var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (length < body.Length && (read = await stream.ReadAsync(body.AsMemory(length), deadline.Token).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }

            if (length > DescriptorLimits.MaxDocumentSize)
            {
                return TooLarge("the body runs past the limit");
            }

            return DescriptorDownload.Ok(body.AsMemory(0, length), MaxAge(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DescriptorDownload.Fail(DescriptorDownloadStatus.Timeout, $"no complete answer within {_options.DescriptorTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return DescriptorDownload.Fail(DescriptorDownloadStatus.Unreachable, Describe(e));
        }
        catch (IOException e)
        {
            return DescriptorDownload.Fail(DescriptorDownloadStatus.Unreachable, Describe(e));
        }
    }

    /// <summary>
    /// GET the well-known location, following at most <see cref="MaxRedirects"/> redirects that stay on HTTPS and on the
    /// domain's own host (another port or path is fine): a redirect to <c>http:</c> would drop the certificate check the
    /// fingerprint's trust leans on, and one to another host would let whoever serves that host answer for the domain.
    /// Either is refused with the target named (docs/DISCOVERY.md §6). The caller's deadline covers every hop.
    /// </summary>
    private async Task<(HttpResponseMessage? Response, DescriptorDownload? Refused)> FollowAsync(string domain, CancellationToken cancellationToken)
    {
        var location = LocationOf(domain);
        for (var hop = 0; ; hop++)
        {
            var response = await _http.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308))
            {
                return (response, null);
            }

            var target = response.Headers.Location;
            response.Dispose();
            if (target is null)
            {
                return (null, DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, "a redirect without a Location", status));
            }

            target = target.IsAbsoluteUri ? target : new Uri(location, target);
            if (hop == MaxRedirects)
            {
                return (null, DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, $"more than {MaxRedirects} redirects (the last to {target})", status));
            }

            if (target.Scheme != Uri.UriSchemeHttps)
            {
                return (null, DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, $"a redirect to {target} refused: only https is followed", status));
            }

            if (!string.Equals(target.IdnHost, domain, StringComparison.OrdinalIgnoreCase))
            {
                return (null, DescriptorDownload.Fail(DescriptorDownloadStatus.HttpStatus, $"a redirect to {target} refused: only redirects on {domain} itself are followed", status));
            }

            location = target;
        }
    }

    private static DescriptorDownload TooLarge(string what)
        => DescriptorDownload.Fail(DescriptorDownloadStatus.TooLarge, $"{what}; a signed descriptor document is at most {DescriptorLimits.MaxDocumentSize} bytes (docs/PROTOCOL.md §12)");

    private static TimeSpan? MaxAge(HttpResponseMessage response)
    {
        var cache = response.Headers.CacheControl;
        if (cache is null)
        {
            return null;
        }

        return cache.NoStore || cache.NoCache ? TimeSpan.Zero : cache.MaxAge;
    }

    /// <summary>The whole chain of causes: "SSL connection could not be established" alone does not say the certificate was refused.</summary>
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null && parts.Count < 4; current = current.InnerException)
        {
            parts.Add(current.Message);
        }

        return string.Join(" ← ", parts);
    }

    /// <summary>Connects to the first address of the host that accepts, the addresses from discovery's name servers.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        IReadOnlyList<IPAddress> addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            var lookup = await _dns.QueryAddressesAsync(host.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
            if (lookup.Status != DnsLookupStatus.Answered)
            {
                throw new HttpRequestException(HttpRequestError.NameResolutionError, $"no address for {host}: {lookup}");
            }

            addresses = lookup.Records;
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError, $"no address of {host} accepted a connection on port {context.DnsEndPoint.Port}: {last?.Message}", last);
    }

    public void Dispose() => _http.Dispose();
}
