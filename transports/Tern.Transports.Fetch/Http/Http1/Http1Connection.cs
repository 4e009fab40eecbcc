using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// One HTTP/1.1 connection of Tern's own blob door: reads request heads, answers each as the Kestrel door would
/// (docs/PROTOCOL.md §8.1), and flushes once per batch of pipelined requests. Requests are answered in order; a
/// response that cannot be completed (blob reclaimed mid-body, connection failed) aborts the connection, since its
/// Content-Length was already sent.
/// </summary>
internal sealed class Http1Connection
{
    /// <summary>Output gathered before a flush is forced inside a batch of pipelined requests.</summary>
    private const int FlushThreshold = 64 * 1024;

    private readonly ConnectionContext _connection;
    private readonly Http1BlobHandler _door;
    private readonly FetchServerOptions _options;
    private readonly ConnectionDeadlines.Deadline _deadline;
    private byte[]? _headCopy;

    public Http1Connection(ConnectionContext connection, Http1BlobHandler door, FetchServerOptions options, ConnectionDeadlines.Deadline deadline)
    {
        _connection = connection;
        _door = door;
        _options = options;
        _deadline = deadline;
    }

    public async Task RunAsync()
    {
        var input = _connection.Transport.Input;
        var output = _connection.Transport.Output;
        var cancellation = _connection.ConnectionClosed;

        // A server stopping asks each connection to close (Kestrel's graceful shutdown): the pending read returns
        // cancelled, the requests already read are answered, and the connection ends instead of idling until the
        // shutdown timeout aborts it.
        var closeRequested = _connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closing = closeRequested.Register(static reader => ((System.IO.Pipelines.PipeReader)reader!).CancelPendingRead(), input);
        try
        {
            var idle = true;
            var headStarted = false;
            while (true)
            {
                // Between requests the keep-alive timeout runs; once a head has begun it must complete within the
                // request-headers timeout from its first bytes, however slowly they trickle in.
                if (idle)
                {
                    _deadline.ArmIn(_options.KeepAliveTimeout);
                }
                else if (!headStarted)
                {
                    _deadline.ArmIn(_options.RequestHeadersTimeout);
                    headStarted = true;
                }

                var result = await input.ReadAsync(cancellation).ConfigureAwait(false);
                var buffer = result.Buffer;
                var unflushed = false;
                var keepGoing = true;
                while (keepGoing)
                {
                    var status = TryTake(ref buffer, out var work, out var errorStatus);
                    if (status == Http1ParseResult.Incomplete)
                    {
                        break;
                    }

                    _deadline.Clear();
                    headStarted = false;
                    if (status == Http1ParseResult.Invalid)
                    {
                        _door.WriteError(output, errorStatus);
                        keepGoing = false;
                        unflushed = true;
                        break;
                    }

                    var answer = _door.AnswerAsync(output, work, _deadline, cancellation);
                    var outcome = answer.IsCompletedSuccessfully ? answer.Result : await answer.ConfigureAwait(false);
                    if (outcome == Http1Outcome.Abort)
                    {
                        _connection.Abort(new ConnectionAbortedException("The response could not be completed."));
                        return;
                    }

                    keepGoing = outcome == Http1Outcome.KeepAlive;
                    unflushed = true;
                    if (output.UnflushedBytes >= FlushThreshold)
                    {
                        await _deadline.FlushAsync(output, cancellation).ConfigureAwait(false);
                        unflushed = false;
                    }
                }

                idle = buffer.IsEmpty;
                headStarted &= !idle;
                input.AdvanceTo(buffer.Start, buffer.End);
                if (unflushed)
                {
                    // A response has no deadline of its own (a slow link may take long to drain a large body), only the
                    // minimum data rate while a write waits for the socket.
                    var flush = await _deadline.FlushAsync(output, cancellation).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        return;
                    }
                }

                if (!keepGoing || result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionAbortedException or ConnectionResetException or IOException)
        {
            // The client went away or its deadline passed: nothing to answer.
        }
        finally
        {
            if (_headCopy is not null)
            {
                ArrayPool<byte>.Shared.Return(_headCopy);
            }
        }
    }

    /// <summary>
    /// Takes one request (head and any body, which is discarded) off the front of <paramref name="buffer"/>.
    /// </summary>
    private Http1ParseResult TryTake(ref ReadOnlySequence<byte> buffer, out Http1Work work, out int errorStatus)
    {
        work = default;
        var maxHead = _options.MaxRequestHeadersSize;
        var request = default(Http1Request);
        var status = Http1RequestParser.Parse(buffer.FirstSpan, maxHead, ref request, out errorStatus);
        if (status == Http1ParseResult.Incomplete && !buffer.IsSingleSegment)
        {
            // The head runs past the first pipe segment: parse a contiguous copy of at most the head limit. Only
            // then: a pipelined batch spans segments, but each head in it is usually whole in the one it starts in.
            _headCopy ??= ArrayPool<byte>.Shared.Rent(maxHead);
            var length = (int)Math.Min(buffer.Length, maxHead);
            buffer.Slice(0, length).CopyTo(_headCopy);
            status = Http1RequestParser.Parse(_headCopy.AsSpan(0, length), maxHead, ref request, out errorStatus);
        }

        if (status != Http1ParseResult.Complete)
        {
            return status;
        }

        if (request.ContentLength > _options.MaxDiscardedRequestBody)
        {
            errorStatus = 413;
            return Http1ParseResult.Invalid;
        }

        var total = request.HeadLength + request.ContentLength;
        if (buffer.Length < total)
        {
            return Http1ParseResult.Incomplete;
        }

        work = Http1Work.From(request);
        buffer = buffer.Slice(total);
        return Http1ParseResult.Complete;
    }
}
