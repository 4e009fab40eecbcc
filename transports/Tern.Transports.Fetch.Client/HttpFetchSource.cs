using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

/// <summary>
/// Fetches from an HTTP door (docs/PROTOCOL.md §8.1) with <see cref="HttpClient"/>: <c>GET /v1/blobs/{capability}</c>,
/// with a <c>Range</c> when resuming or when the verifier's leaves reach only part of the blob, after a
/// <c>GET /v1/blobs/{capability}/proof/{first}-{last}</c> when it needs the leaves of the next window (§4.8). The body is
/// streamed into the destination as it arrives.
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

    /// <summary>The URL of the range proof of chunks <paramref name="first"/>..<paramref name="last"/> (§8.1).</summary>
    public Uri ProofUri(FetchCapability capability, long first, long last) =>
        new(_base, string.Create(CultureInfo.InvariantCulture, $"/v1/blobs/{capability}/proof/{first}-{last}"));

    /// <inheritdoc />
    public async Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long? end = null;
        if (verifier is not null)
        {
            if (verifier.CheckableEnd(offset) <= offset && verifier.NeedsProofs)
            {
                var proof = await FetchProofAsync(capability, verifier, offset, cancellationToken).ConfigureAwait(false);
                if (proof.Status != MetaStatus.Ok)
                {
                    return proof;
                }
            }

            end = verifier.CheckableEnd(offset);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(capability));
        if (offset > 0 || (end is { } last && verifier is not null && last < verifier.Size))
        {
            request.Headers.Range = new RangeHeaderValue(offset, end - 1);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (Failure(response.StatusCode) is { } failure)
        {
            return failure;
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

    /// <inheritdoc />
    public async Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var (first, count) = verifier.ProofWindow(offset);
        using var response = await _http.GetAsync(ProofUri(capability, first, first + count - 1), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (Failure(response.StatusCode) is { } failure)
        {
            return failure;
        }

        // The proof's length follows from the notified size and the range; a door that sends more is not believed.
        var expected = (int)(PayloadProof.HashCount(verifier.ChunkCount, first, count) * Bytes32.Size);
        if (response.Content.Headers.ContentLength is { } announced && announced != expected)
        {
            throw new PayloadMismatchException(-1, string.Create(CultureInfo.InvariantCulture, $"The proof of chunks {first}+{count} is {announced} bytes, not {expected}."));
        }

        var proof = new byte[expected];
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.ReadExactlyAsync(proof, cancellationToken).ConfigureAwait(false);
        }

        if (!verifier.TryAcceptProof(first, count, proof))
        {
            throw new PayloadMismatchException(-1, string.Create(CultureInfo.InvariantCulture, $"The proof of chunks {first}+{count} does not reach the payload hash."));
        }

        return new FetchResponse(MetaStatus.Ok, verifier.Size, verifier.PayloadHash, first << PayloadTree.ChunkShift, 0);
    }

    private static FetchResponse? Failure(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => FetchResponse.Failure(MetaStatus.NotFound),
        HttpStatusCode.RequestedRangeNotSatisfiable => FetchResponse.Failure(MetaStatus.RangeNotSatisfiable),
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests => FetchResponse.Failure(MetaStatus.Busy),
        HttpStatusCode.OK or HttpStatusCode.PartialContent => null,
        _ => FetchResponse.Failure(MetaStatus.BadRequest),
    };

    private static Bytes32 ParseETag(EntityTagHeaderValue? etag)
    {
        var tag = etag?.Tag;
        return tag is { Length: Bytes32.TextLength + 2 } && Bytes32.TryParse(tag.AsSpan(1, Bytes32.TextLength), out var hash) ? hash : default;
    }
}
