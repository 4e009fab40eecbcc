using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Engine.Pull;

/// <summary>
/// Fetches from an HTTP door (docs/PROTOCOL.md §8.1) with <see cref="HttpClient"/>: <c>GET /v1/blobs/{capability}</c>,
/// with <c>Range: bytes=offset-</c> when resuming. The body is streamed into the destination as it arrives.
/// </summary>
public sealed class HttpFetchSource : IFetchSource
{
    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <summary>A source at <paramref name="baseUri"/> (scheme, host, port; the path is the protocol's).</summary>
    public HttpFetchSource(HttpClient http, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUri);
        _http = http;
        _base = baseUri;
    }

    /// <inheritdoc />
    public string Address => _base.GetLeftPart(UriPartial.Authority);

    /// <summary>The blob's URL at this door.</summary>
    public Uri BlobUri(FetchCapability capability) => new(_base, "/v1/blobs/" + capability.ToString());

    /// <inheritdoc />
    public async Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(capability));
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return FetchResponse.Failure(MetaStatus.NotFound);
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                return FetchResponse.Failure(MetaStatus.RangeNotSatisfiable);
            case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                return FetchResponse.Failure(MetaStatus.Busy);
            case HttpStatusCode.OK or HttpStatusCode.PartialContent:
                break;
            default:
                return FetchResponse.Failure(MetaStatus.BadRequest);
        }

        long start = 0, total;
        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { From: { } from, Length: { } length })
        {
            start = from;
            total = length;
        }
        else
        {
            // 200: the whole blob, whatever was asked.
            total = response.Content.Headers.ContentLength ?? -1;
            if (offset > 0)
            {
                destination.SetLength(0);
                destination.Position = 0;
            }
        }

        var hash = ParseETag(response.Headers.ETag);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var before = destination.Position;
            await body.CopyToAsync(destination, 256 * 1024, cancellationToken).ConfigureAwait(false);
            var received = destination.Position - before;
            if (response.Content.Headers.ContentLength is { } expected && received != expected)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"The HTTP body ended after {received} of {expected} bytes."));
            }

            return new FetchResponse(MetaStatus.Ok, total, hash, start, received);
        }
    }

    private static Bytes32 ParseETag(EntityTagHeaderValue? etag)
    {
        var tag = etag?.Tag;
        return tag is { Length: Bytes32.TextLength + 2 } && Bytes32.TryParse(tag.AsSpan(1, Bytes32.TextLength), out var hash) ? hash : default;
    }
}
