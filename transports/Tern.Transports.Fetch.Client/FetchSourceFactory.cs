using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

/// <summary>
/// The fetch URIs this node can use (docs/PROTOCOL.md §8.5): <c>https://</c> (HTTP door), <c>tern+tcp://</c> (framed door,
/// TLS), and on loopback only, when allowed, <c>http://</c> and plain-text framed connections. <c>quic://</c> is not
/// used: System.Net.Quic needs libmsquic. Sources are cached per address so framed connections are shared.
/// </summary>
public sealed class FetchSourceFactory : IFetchSourceFactory, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly bool _plainOnLoopback;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;
    private readonly ConcurrentDictionary<string, IFetchSource> _sources = new(StringComparer.Ordinal);

    /// <summary>Creates the factory.</summary>
    /// <param name="http">The client for HTTP doors (its handler decides HTTP/2, TLS validation and timeouts).</param>
    /// <param name="allowPlainTextOnLoopback">Allows <c>http://</c> and plain framed TCP to loopback addresses (tests, one-machine set-ups).</param>
    /// <param name="certificateValidation">Certificate check for framed TLS connections; null for the system's.</param>
    public FetchSourceFactory(HttpClient http, bool allowPlainTextOnLoopback = false, RemoteCertificateValidationCallback? certificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _plainOnLoopback = allowPlainTextOnLoopback;
        _certificateValidation = certificateValidation;
    }

    /// <inheritdoc />
    public IFetchSource? Create(string uri)
    {
        try
        {
            return CreateSource(uri);
        }
        catch (UriFormatException)
        {
            // Hints and descriptors come from other domains, and Uri.TryCreate accepts hosts (IDN forms) that its own
            // IdnHost, or a Uri built from its authority, then refuse: such a URI names no usable door.
            return null;
        }
    }

    private IFetchSource? CreateSource(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Port <= 0)
        {
            return null;
        }

        var key = parsed.GetLeftPart(UriPartial.Authority);
        if (_sources.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var loopback = IsLoopback(parsed.Host);
        IFetchSource? source = parsed.Scheme switch
        {
            "https" => new HttpFetchSource(_http, new Uri(key)),
            "http" when _plainOnLoopback && loopback => new HttpFetchSource(_http, new Uri(key)),
            "tern+tcp" => new FramedFetchSource(parsed.IdnHost, parsed.Port, new FramedFetchClientOptions
            {
                Tls = !(_plainOnLoopback && loopback),
                CertificateValidation = _certificateValidation,
            }),
            _ => null,
        };
        return source is null ? null : _sources.GetOrAdd(key, source);
    }

    private static bool IsLoopback(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
           || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            if (source is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }

        _sources.Clear();
    }
}
