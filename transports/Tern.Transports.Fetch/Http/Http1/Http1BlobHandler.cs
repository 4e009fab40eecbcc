using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.UserKeys;
using Tern.Transports.Fetch.WellKnown;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// Tern's own HTTP/1.1 blob door on a Kestrel connection handler: the same answers as the Kestrel door
/// (<see cref="HttpBlobDoor"/>; the same <see cref="BlobResponsePlan"/>, header strings and body writer) without
/// Kestrel's general HTTP machinery, for listeners that speak HTTP/1.1 only. A request costs a head parse over the
/// input buffer, one copy of ready-made header bytes, and the body; the batch of pipelined requests one read brought
/// is flushed once. Only <c>GET</c> and <c>HEAD</c> exist here; a request body is read and discarded (up to a limit).
/// </summary>
internal sealed class Http1BlobHandler : ConnectionHandler
{
    private readonly TransitStore _store;
    private readonly BlobHeaderCache _headers;
    private readonly BlobBodyWriter _body;
    private readonly HttpDateField _date;
    private readonly ConnectionDeadlines _deadlines;
    private readonly FetchServerOptions _options;

    private readonly UserKeyDoor _userKeys;
    private readonly WellKnownDoor _descriptor;
    private readonly FetchRequestCounters _requests;

    public Http1BlobHandler(TransitStore store, BlobHeaderCache headers, BlobBodyWriter body, HttpDateField date, ConnectionDeadlines deadlines, FetchServerOptions options, UserKeyDoor userKeys,
        WellKnownDoor descriptor, FetchRequestCounters requests)
    {
        _requests = requests;
        _userKeys = userKeys;
        _descriptor = descriptor;
        _store = store;
        _headers = headers;
        _body = body;
        _date = date;
        _deadlines = deadlines;
        _options = options;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        using var deadline = _deadlines.Track(connection);
        await new Http1Connection(connection, this, _options, deadline).RunAsync().ConfigureAwait(false);
    }

    /// <summary>The answer to a request that cannot be read; the connection closes after it.</summary>
    public void WriteError(PipeWriter output, int status)
    {
        var head = new Http1ResponseHead(output, status, Http1ResponseHead.FixedCapacity);
        head.Append(_date.Current);
        head.Append("Content-Length: 0\r\n"u8);
        head.Complete(keepAlive: false, http10: false);
    }

    /// <summary>Answers one request; completes synchronously when the blob's index record and bytes are in memory.</summary>
    public async ValueTask<Http1Outcome> AnswerAsync(PipeWriter output, Http1Work work, ConnectionDeadlines.Deadline deadline, CancellationToken cancellationToken)
    {
        var keep = work.KeepAlive ? Http1Outcome.KeepAlive : Http1Outcome.Close;
        if (work.Method == Http1Method.Other)
        {
            var head = new Http1ResponseHead(output, 405, Http1ResponseHead.FixedCapacity);
            head.Append(_date.Current);
            head.Append("Allow: GET, HEAD\r\nContent-Length: 0\r\n"u8);
            head.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        if (work.IsWellKnownPath)
        {
            return AnswerDescriptor(output, work, keep);
        }

        if (work.IsUserKeysPath)
        {
            return AnswerUserKeys(output, work, keep);
        }

        if (work.IsProofPath)
        {
            return await AnswerProofAsync(output, work, keep, cancellationToken).ConfigureAwait(false);
        }

        var lookup = work.IsBlobPath ? _store.GetBlobAsync(work.Capability) : default;
        var found = !work.IsBlobPath ? null : lookup.IsCompletedSuccessfully ? lookup.Result : await lookup.ConfigureAwait(false);
        if (found is not { } blob)
        {
            if (work.IsBlobPath)
            {
                _requests.Answered(FetchDoor.Http, FetchStatus.NotFound);
            }

            // The one answer for every capability that cannot be served (§8): no detail, not cacheable.
            var head = new Http1ResponseHead(output, 404, Http1ResponseHead.FixedCapacity);
            head.Append(_date.Current);
            head.Append("Cache-Control: no-store\r\nContent-Length: 0\r\n"u8);
            head.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        var now = _date.Now;
        var entry = _headers.Get(work.Capability, blob, now);
        var plan = BlobResponsePlan.Make(blob.Size, entry.ETag, work.IfNoneMatch, work.HasRange, work.Range, work.HasIfRange, work.IfRange);
        _requests.Answered(FetchDoor.Http, FetchRequestCounters.FromPlan(plan.Answer));
        if (!WriteHead(output, work, blob.Size, plan, entry.Http1Fields, _date.For(now)) || work.Method == Http1Method.Head)
        {
            return keep;
        }

        var written = await _body.WriteAsync(output, work.Capability, blob, plan.Start, plan.End, deadline, cancellationToken).ConfigureAwait(false);
        return written ? keep : Http1Outcome.Abort;
    }

    /// <summary>
    /// <c>/v1/blobs/{capability}/proof/{first}-{last}</c> (§8.1): the range proof of those chunks (§4.8), cacheable as the
    /// blob is; every capability that cannot be served, or a blob without a payload tree, is the same 404.
    /// </summary>
    /// <summary>The key lookup (docs/PROTOCOL.md §14.4): 200 with the bundle, 404 as for an unknown capability, 400 for a bad hash.</summary>
    private Http1Outcome AnswerUserKeys(PipeWriter output, Http1Work work, Http1Outcome keep)
    {
        ReadOnlyMemory<byte> bundle = default;
        var found = work.UserKeysWellFormed && _userKeys.TryGet(work.AddressHash, out bundle);
        var head = new Http1ResponseHead(output, found ? 200 : work.UserKeysWellFormed ? 404 : 400, Http1ResponseHead.FixedCapacity);
        head.Append(_date.Current);
        if (!found)
        {
            head.Append("Cache-Control: no-store\r\nContent-Length: 0\r\n"u8);
            head.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        head.Append("Content-Type: application/vnd.tern.user-keys\r\nCache-Control: max-age=300\r\n"u8);
        head.AppendField("Content-Length: "u8, bundle.Length);
        head.Complete(work.KeepAlive, work.IsHttp10);
        if (work.Method != Http1Method.Head)
        {
            // A bundle is at most a few KiB (§14.4): the connection's flush sends it with the head.
            output.Write(bundle.Span);
        }

        return keep;
    }

    /// <summary>The domain's signed descriptor (docs/PROTOCOL.md §6.2): 200 with the document, cacheable until its expiry at most; 404 before one is published.</summary>
    private Http1Outcome AnswerDescriptor(PipeWriter output, Http1Work work, Http1Outcome keep)
    {
        var found = _descriptor.TryGet(_date.Now, out var document, out var maxAge);
        var head = new Http1ResponseHead(output, found ? 200 : 404, Http1ResponseHead.FixedCapacity);
        head.Append(_date.Current);
        if (!found)
        {
            head.Append("Cache-Control: no-store\r\nContent-Length: 0\r\n"u8);
            head.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        head.Append("Content-Type: application/json\r\n"u8);
        head.AppendField("Cache-Control: max-age="u8, maxAge);
        head.AppendField("Content-Length: "u8, document.Length);
        head.Complete(work.KeepAlive, work.IsHttp10);
        if (work.Method != Http1Method.Head)
        {
            // At most 16 KiB (§12): the connection's flush sends it with the head.
            output.Write(document.Span);
        }

        return keep;
    }

    private async ValueTask<Http1Outcome> AnswerProofAsync(PipeWriter output, Http1Work work, Http1Outcome keep, CancellationToken cancellationToken)
    {
        var blob = await _store.GetBlobAsync(work.Capability).ConfigureAwait(false);
        var fits = blob is { } found && ProofPath.Fits(found.Size, work.ProofFirst, work.ProofLast);
        var tree = fits ? await _store.GetPayloadTreeAsync(work.Capability, cancellationToken).ConfigureAwait(false) : null;
        if (blob is null || (fits && tree is null))
        {
            var notFound = new Http1ResponseHead(output, 404, Http1ResponseHead.FixedCapacity);
            notFound.Append(_date.Current);
            notFound.Append("Cache-Control: no-store\r\nContent-Length: 0\r\n"u8);
            notFound.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        if (tree is null)
        {
            var unsatisfiable = new Http1ResponseHead(output, 416, Http1ResponseHead.FixedCapacity);
            unsatisfiable.Append(_date.Current);
            unsatisfiable.Append("Content-Length: 0\r\n"u8);
            unsatisfiable.Complete(work.KeepAlive, work.IsHttp10);
            return keep;
        }

        var count = work.ProofLast - work.ProofFirst + 1;
        var length = PayloadProof.HashCount(tree.Count, work.ProofFirst, count) * Bytes32.Size;
        var cacheControl = _headers.Get(work.Capability, blob.Value, _date.Now).CacheControl;
        var head = new Http1ResponseHead(output, 200, Http1ResponseHead.FixedCapacity + 64 + cacheControl.Length);
        head.Append(_date.Current);
        head.Append("Content-Type: application/octet-stream\r\n"u8);
        head.AppendField("Content-Length: "u8, length);
        head.Append("Cache-Control: "u8);
        head.Append(System.Text.Encoding.ASCII.GetBytes(cacheControl));
        head.Append("\r\n"u8);
        head.Complete(work.KeepAlive, work.IsHttp10);
        if (work.Method != Http1Method.Head)
        {
            PayloadProof.Write(tree, work.ProofFirst, count, output);
        }

        return keep;
    }

    /// <summary>Writes the response head; returns whether a body follows (200 and 206).</summary>
    private static bool WriteHead(PipeWriter output, in Http1Work work, long size, BlobResponsePlan plan, ReadOnlySpan<byte> fields, ReadOnlySpan<byte> date)
    {
        var status = plan.Answer switch
        {
            BlobAnswer.Whole => 200,
            BlobAnswer.Partial => 206,
            BlobAnswer.NotModified => 304,
            _ => 416,
        };
        var head = new Http1ResponseHead(output, status, Http1ResponseHead.FixedCapacity + fields.Length);
        head.Append(date);
        switch (plan.Answer)
        {
            case BlobAnswer.NotModified:
                break;
            case BlobAnswer.RangeNotSatisfiable:
                head.Append("Content-Range: bytes */"u8);
                head.AppendNumber(size);
                head.Append("\r\nContent-Length: 0\r\n"u8);
                break;
            default:
                head.Append("Content-Type: application/octet-stream\r\n"u8);
                head.AppendField("Content-Length: "u8, plan.End - plan.Start);
                if (plan.Answer == BlobAnswer.Partial)
                {
                    head.Append("Content-Range: bytes "u8);
                    head.AppendNumber(plan.Start);
                    head.Append("-"u8);
                    head.AppendNumber(plan.End - 1);
                    head.Append("/"u8);
                    head.AppendNumber(size);
                    head.Append("\r\n"u8);
                }

                break;
        }

        head.Append(fields);
        head.Complete(work.KeepAlive, work.IsHttp10);
        return status is 200 or 206;
    }
}
