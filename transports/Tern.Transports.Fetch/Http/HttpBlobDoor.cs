using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Transports.Fetch.Http;

/// <summary>
/// The HTTP door (docs/PROTOCOL.md §8.1): <c>GET</c>/<c>HEAD /v1/blobs/{capability}</c>, single <c>Range</c>, strong
/// <c>ETag</c> = payload hash, immutable caching until the transit expiry. A terminal request delegate (no routing, no
/// MVC): it parses the path itself and writes the body straight into the response's <c>BodyWriter</c>. Every capability
/// that cannot be served — unknown, expired, retracted, reclaimed, or not even base64url — gets the same 404.
/// </summary>
internal sealed class HttpBlobDoor
{
    private const string Prefix = "/v1/blobs/";
    private static readonly StringValues Allow = new("GET, HEAD");
    private static readonly StringValues OctetStream = new("application/octet-stream");
    private static readonly StringValues Bytes = new("bytes");
    private static readonly StringValues NoStore = new("no-store");

    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly int _readSize;
    private readonly BlobHeaderCache _headers;
    private readonly ILogger _logger;

    public HttpBlobDoor(TransitStore store, BlobReader reader, FetchCoverage coverage, FetchServerOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _readSize = options.ReadSize;
        _headers = new BlobHeaderCache(options.MaxCachedHeaders, time);
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value.AsSpan();
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            NotFound(response);
            return;
        }

        var head = HttpMethods.IsHead(request.Method);
        if (!head && !HttpMethods.IsGet(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = Allow;
            response.ContentLength = 0;
            return;
        }

        if (!FetchCapability.TryParse(path[Prefix.Length..], out var capability) || await _store.GetBlobAsync(capability).ConfigureAwait(false) is not { } blob)
        {
            NotFound(response);
            return;
        }

        var cached = _headers.Get(capability, blob);
        var etag = cached.ETag;
        var headers = response.Headers;
        headers.ETag = etag;
        headers.CacheControl = cached.CacheControl;
        headers.Expires = cached.Expires;
        headers.AcceptRanges = Bytes;
        if (!string.IsNullOrEmpty(blob.MimeHint))
        {
            headers["Tern-Mime-Hint"] = blob.MimeHint;
        }

        if (Matches(request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        long start = 0, end = blob.Size;
        var range = request.Headers.Range;
        var ifRange = request.Headers.IfRange;
        if (range.Count == 1 && (ifRange.Count == 0 || string.Equals(ifRange.ToString(), etag, StringComparison.Ordinal)))
        {
            switch (ByteRange.Parse(range.ToString(), blob.Size, out start, out end))
            {
                case ByteRangeKind.Unsatisfiable:
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    headers.ContentRange = "bytes */" + blob.Size.ToString(CultureInfo.InvariantCulture);
                    response.ContentLength = 0;
                    return;
                case ByteRangeKind.Partial:
                    response.StatusCode = StatusCodes.Status206PartialContent;
                    headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end - 1}/{blob.Size}");
                    break;
            }
        }

        headers.ContentType = OctetStream;
        response.ContentLength = end - start;
        if (head)
        {
            return;
        }

        await WriteBodyAsync(context, capability, blob, start, end).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes [<paramref name="start"/>, <paramref name="end"/>) and records what was handed to the connection (§9), so a
    /// response cut half way still counts its first part and a resumed range can complete the coverage.
    /// </summary>
    private async Task WriteBodyAsync(HttpContext context, FetchCapability capability, BlobInfo blob, long start, long end)
    {
        var writer = context.Response.BodyWriter;
        var cancellationToken = context.RequestAborted;
        var flushed = start;
        try
        {
            if (end - start <= 4096)
            {
                // Small blobs: read straight into the response's own buffer, no copy of ours.
                var count = (int)(end - start);
                var memory = writer.GetMemory(Math.Max(count, 1));
                var read = count == 0 ? 0 : await _reader.ReadAsync(capability, blob, start, memory[..count], cancellationToken).ConfigureAwait(false);
                if (read != count)
                {
                    context.Abort();
                    return;
                }

                writer.Advance(count);
                flushed = end;
                return;
            }

            // Large blobs: each store read lands in the response pipe's own memory (one copy, page cache to pipe),
            // then a flush for backpressure.
            var position = start;
            while (position < end)
            {
                var want = (int)Math.Min(_readSize, end - position);
                var memory = writer.GetMemory(want);
                var read = await _store.ReadAsync(capability, position, memory[..Math.Min(want, memory.Length)], cancellationToken).ConfigureAwait(false);
                if (read <= 0)
                {
                    // Reclaimed mid-response: the Content-Length can no longer be honoured, so abort the connection.
                    context.Abort();
                    return;
                }

                // Handed to the connection: counted (§9), even if the flush then fails part way — the fetcher may
                // have received some of it, and its resumed range must be able to complete the coverage.
                writer.Advance(read);
                position += read;
                flushed = position;
                var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            FetchLog.HttpWriteFailed(_logger, ex);
        }
        finally
        {
            if (flushed > start || (blob.Size == 0 && flushed == end))
            {
                _coverage.Record(capability, blob, start, flushed);
            }
        }
    }

    /// <summary>The one answer for every capability that cannot be served (§8): no detail, not cacheable.</summary>
    private static void NotFound(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status404NotFound;
        response.Headers.CacheControl = NoStore;
        response.ContentLength = 0;
    }

    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.AsSpan().Split(','))
            {
                var candidate = value.AsSpan(part).Trim();
                if (candidate.SequenceEqual("*") || candidate.SequenceEqual(etag) || (candidate.StartsWith("W/") && candidate[2..].SequenceEqual(etag)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
