using System.Net;
using System.Net.Http.Headers;
using Tern.Engine.Custody;

namespace Tern.Transports.Fetch.Client;

/// <summary>
/// Offers a blob to a gateway over its HTTP door (docs/PROTOCOL.md §10.3): <c>POST /v1/custody/offers</c> to the first
/// <c>https://</c> entry of the gateway descriptor's <c>fetch</c> list (or, when allowed, <c>http://</c> on loopback), the
/// answer's bytes whatever the HTTP status, since the answer says which it is.
/// </summary>
public sealed class HttpCustodyOfferClient : ICustodyOfferClient
{
    /// <summary>The path of the offer route on a gateway's HTTP door.</summary>
    public const string Path = "/v1/custody/offers";

    /// <summary>The media type of an offer.</summary>
    public const string OfferContentType = "application/vnd.tern.custody-offer";

    /// <summary>Longest answer read: an accepted answer is one receipt (at most 693 bytes); anything longer is not an answer.</summary>
    private const int MaxAnswer = 4096;

    private readonly HttpClient _http;
    private readonly bool _plainOnLoopback;

    /// <summary>Creates the client over <paramref name="http"/> (its handler decides TLS validation and timeouts).</summary>
    public HttpCustodyOfferClient(HttpClient http, bool allowPlainTextOnLoopback = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _plainOnLoopback = allowPlainTextOnLoopback;
    }

    /// <inheritdoc/>
    public async Task<byte[]?> OfferAsync(IReadOnlyList<string> gatewayDoors, ReadOnlyMemory<byte> offer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayDoors);
        if (Door(gatewayDoors) is not { } door)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(door, Path)) { Content = new ReadOnlyMemoryContent(offer) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OfferContentType);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            // The door is not a gateway's (§8.6.6): as good as no door.
            return null;
        }

        if (response.Content.Headers.ContentLength is > MaxAnswer)
        {
            throw new HttpRequestException($"The gateway's answer is {response.Content.Headers.ContentLength} bytes, over {MaxAnswer}.");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxAnswer + 1];
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > MaxAnswer)
                {
                    throw new HttpRequestException($"The gateway's answer is over {MaxAnswer} bytes.");
                }
            }

            return buffer[..length];
        }
    }

    private Uri? Door(IReadOnlyList<string> doors)
    {
        foreach (var text in doors)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Port <= 0)
            {
                continue;
            }

            if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && _plainOnLoopback && (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var a) && IPAddress.IsLoopback(a))))
            {
                return new Uri(uri.GetLeftPart(UriPartial.Authority));
            }
        }

        return null;
    }
}
