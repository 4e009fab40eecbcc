using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.UserKeys;
using Tern.Transports.Fetch.WellKnown;

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
    private readonly BlobHeaderCache _headers;
    private readonly BlobBodyWriter _body;

    private readonly UserKeyDoor _userKeys;
    private readonly WellKnownDoor _descriptor;
    private readonly TimeProvider _time;
    private readonly FetchRequestCounters _requests;

    public HttpBlobDoor(TransitStore store, BlobHeaderCache headers, BlobBodyWriter body, UserKeyDoor userKeys, WellKnownDoor descriptor, FetchRequestCounters requests, TimeProvider time)
    {
        _requests = requests;
        _userKeys = userKeys;
        _descriptor = descriptor;
        _time = time;
        _store = store;
        _headers = headers;
        _body = body;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value.AsSpan();
        if (path.SequenceEqual(WellKnownDoor.Path))
        {
            await AnswerDescriptorAsync(context).ConfigureAwait(false);
            return;
        }

        if (UserKeyDoor.IsLookupPath(path, out var wellFormed, out var addressHash))
        {
            await AnswerUserKeysAsync(context, wellFormed, addressHash).ConfigureAwait(false);
            return;
        }

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

        var rest = path[Prefix.Length..];
        if (rest.Length > Bytes32.TextLength && rest[Bytes32.TextLength..].StartsWith(ProofPath.Marker, StringComparison.Ordinal))
        {
            await AnswerProofAsync(context, rest[..Bytes32.TextLength].ToString(), rest[(Bytes32.TextLength + ProofPath.Marker.Length)..].ToString(), head).ConfigureAwait(false);
            return;
        }

        if (!FetchCapability.TryParse(rest, out var capability))
        {
            NotFound(response);
            return;
        }

        if (await _store.GetBlobAsync(capability).ConfigureAwait(false) is not { } blob)
        {
            _requests.Answered(FetchDoor.Http, FetchStatus.NotFound);
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

        var range = request.Headers.Range;
        var ifRange = request.Headers.IfRange;
        var plan = BlobResponsePlan.Make(blob.Size, etag, request.Headers.IfNoneMatch.ToString(), range.Count == 1, range.ToString(), ifRange.Count > 0, ifRange.ToString());
        _requests.Answered(FetchDoor.Http, FetchRequestCounters.FromPlan(plan.Answer));
        switch (plan.Answer)
        {
            case BlobAnswer.NotModified:
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            case BlobAnswer.RangeNotSatisfiable:
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                headers.ContentRange = "bytes */" + blob.Size.ToString(CultureInfo.InvariantCulture);
                response.ContentLength = 0;
                return;
            case BlobAnswer.Partial:
                response.StatusCode = StatusCodes.Status206PartialContent;
                headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {plan.Start}-{plan.End - 1}/{blob.Size}");
                break;
        }

        headers.ContentType = OctetStream;
        response.ContentLength = plan.End - plan.Start;
        if (head)
        {
            return;
        }

        // Kestrel times these writes itself (KestrelServerLimits.MinResponseDataRate): no deadline of ours.
        if (!await _body.WriteAsync(response.BodyWriter, capability, blob, plan.Start, plan.End, deadline: null, context.RequestAborted).ConfigureAwait(false))
        {
            context.Abort();
        }
    }

    /// <summary>
    /// <c>/v1/blobs/{capability}/proof/{first}-{last}</c> (§8.1): the range proof of those chunks (§4.8), cacheable as
    /// the blob is. A capability that cannot be served, or a blob without a payload tree, is the same 404.
    /// </summary>
    private async Task AnswerProofAsync(HttpContext context, string capabilityText, string rangeText, bool head)
    {
        var response = context.Response;
        if (!FetchCapability.TryParse(capabilityText, out var capability) || !ProofPath.TryParseRange(rangeText, out var first, out var last)
            || await _store.GetBlobAsync(capability).ConfigureAwait(false) is not { } blob)
        {
            NotFound(response);
            return;
        }

        if (!ProofPath.Fits(blob.Size, first, last))
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.ContentLength = 0;
            return;
        }

        if (await _store.GetPayloadTreeAsync(capability, context.RequestAborted).ConfigureAwait(false) is not { } tree)
        {
            NotFound(response);
            return;
        }

        var count = last - first + 1;
        response.Headers.CacheControl = _headers.Get(capability, blob).CacheControl;
        response.Headers.ContentType = OctetStream;
        response.ContentLength = PayloadProof.HashCount(tree.Count, first, count) * Bytes32.Size;
        if (!head)
        {
            PayloadProof.Write(tree, first, count, response.BodyWriter);
            await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The one answer for every capability that cannot be served (§8): no detail, not cacheable.</summary>
    /// <summary>The key lookup (docs/PROTOCOL.md §14.4): 200 with the bundle, 404 as for an unknown capability, 400 for a bad hash.</summary>
    private async Task AnswerUserKeysAsync(HttpContext context, bool wellFormed, Bytes32 addressHash)
    {
        var request = context.Request;
        var response = context.Response;
        var head = HttpMethods.IsHead(request.Method);
        if (!head && !HttpMethods.IsGet(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = Allow;
            response.ContentLength = 0;
            return;
        }

        if (!wellFormed)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.Headers.CacheControl = NoStore;
            response.ContentLength = 0;
            return;
        }

        if (!_userKeys.TryGet(addressHash, out var bundle))
        {
            NotFound(response);
            return;
        }

        response.Headers.ContentType = UserKeyDoor.ContentType;
        response.Headers.CacheControl = UserKeyDoor.CacheControl;
        response.ContentLength = bundle.Length;
        if (!head)
        {
            await response.BodyWriter.WriteAsync(bundle, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The domain's signed descriptor (docs/PROTOCOL.md §6.2): 200 with the document, cacheable until its expiry at most; 404 before one is published.</summary>
    private async Task AnswerDescriptorAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var head = HttpMethods.IsHead(request.Method);
        if (!head && !HttpMethods.IsGet(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = Allow;
            response.ContentLength = 0;
            return;
        }

        if (!_descriptor.TryGet(_time.GetUtcNow(), out var document, out var maxAge))
        {
            NotFound(response);
            return;
        }

        response.Headers.ContentType = WellKnownDoor.ContentType;
        response.Headers.CacheControl = "max-age=" + maxAge.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = document.Length;
        if (!head)
        {
            await response.BodyWriter.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void NotFound(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status404NotFound;
        response.Headers.CacheControl = NoStore;
        response.ContentLength = 0;
    }
}
