using System.IO.Pipelines;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Transports.Fetch.Framed;

internal sealed partial class FramedConnection
{
    /// <summary>Output written since the last flush above which the writer flushes (and so waits for the socket).</summary>
    private const int FlushThreshold = 64 * 1024;

    private long _pendingBytes;

    /// <summary>
    /// The only code that writes to the output pipe. Streams take turns, one frame each; output is flushed when
    /// enough has gathered or nothing is ready, and <c>FlushAsync</c> holds the loop back while the socket is full.
    /// </summary>
    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var output = _transport.Output;
        var ready = new Queue<FramedWorkItem>();
        var unflushed = new List<FramedWorkItem>();

        // The item between its dequeue and its return to the queue: a cut connection can end the loop while it is
        // being written (a cancelled store read), and its bytes must still count.
        FramedWorkItem? inFlight = null;
        _pendingBytes = FramePreface.Size;
        try
        {
            while (true)
            {
                while (_work.Reader.TryRead(out var incoming))
                {
                    ready.Enqueue(incoming);
                }

                if (ready.Count == 0)
                {
                    if (_pendingBytes > 0 && !await FlushAsync(output, unflushed, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    if (!await _work.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                var item = ready.Dequeue();
                inFlight = item;
                if (item.Kind == FramedWork.GoAway)
                {
                    FrameWriter.WriteGoAway(output, new GoAway((GoAwayCode)item.Value, item.Reason));
                    await FlushAsync(output, unflushed, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var more = await StepAsync(output, item, cancellationToken).ConfigureAwait(false);
                if (item.Kind == FramedWork.Fetch && !more)
                {
                    // The stream id is free again before the frame that ends it can reach the client (it is not flushed yet).
                    Release(item);
                }

                if (item.Kind == FramedWork.Fetch && item.Started)
                {
                    if (!item.Dirty)
                    {
                        item.Dirty = true;
                        unflushed.Add(item);
                    }
                }
                else if (!more)
                {
                    Return(item);
                }

                if (more)
                {
                    ready.Enqueue(item);
                }

                inFlight = null;

                if (_pendingBytes >= FlushThreshold && !await FlushAsync(output, unflushed, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The connection closed under us (the reader saw or will see it too).
        }
#pragma warning disable CA1031 // A store failure ends this connection with internal_error; the server keeps running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FetchLogMessages.FramedConnectionFailed(_logger, _connectionId, ex);
            try
            {
                FrameWriter.WriteGoAway(output, new GoAway(GoAwayCode.InternalError, GoAwayReasons.Internal));
                await TimedFlushAsync(output, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
                // Best effort: the connection is closing anyway.
            }
        }
        finally
        {
            // Streams cut short still count for the bytes handed to the connection (§9: resumed fetches complete coverage).
            if (inFlight is not null)
            {
                RecordCoverage(inFlight);
            }

            foreach (var item in unflushed)
            {
                RecordCoverage(item);
            }

            foreach (var item in ready)
            {
                RecordCoverage(item);
            }

            _work.Writer.TryComplete();
            while (_work.Reader.TryRead(out _))
            {
            }
        }
    }

    /// <summary>Flushes; on success every stream written since the last flush has its bytes on the wire.</summary>
    private async ValueTask<bool> FlushAsync(PipeWriter output, List<FramedWorkItem> unflushed, CancellationToken cancellationToken)
    {
        var result = await TimedFlushAsync(output, cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            return false;
        }

        _pendingBytes = 0;
        foreach (var item in unflushed)
        {
            item.Dirty = false;
            if (item.Finished)
            {
                RecordCoverage(item);
                Return(item);
            }
        }

        unflushed.Clear();
        return true;
    }

    /// <summary>
    /// Every flush of the writer waits for the socket under the minimum response data rate (a client that stops reading,
    /// with fetches open or only pongs and descriptors owed, is cut), when the connection is tracked.
    /// </summary>
    private ValueTask<FlushResult> TimedFlushAsync(PipeWriter output, CancellationToken cancellationToken) =>
        _deadline is null ? output.FlushAsync(cancellationToken) : _deadline.FlushAsync(output, cancellationToken);

    private void RecordCoverage(FramedWorkItem item)
    {
        // Bytes written to the pipe count even when a flush then failed: some of them may have reached the fetcher, who
        // resumes from what it got, so counting only completed flushes could leave a gap no fetch ever covers.
        if (item.Counts && (item.Next > item.Start || (item.Finished && item.End == item.Start)))
        {
            _coverage.Record(item.Request.Capability, item.Blob, item.Start, item.Next);
            _requests.Served(FetchDoor.Framed, item.Next - item.Start);
            item.Counts = false;
        }
    }

    /// <summary>Writes the next frame of <paramref name="item"/>; true when it has more to send.</summary>
    private async ValueTask<bool> StepAsync(PipeWriter output, FramedWorkItem item, CancellationToken cancellationToken)
    {
        switch (item.Kind)
        {
            case FramedWork.Pong:
                Interlocked.Decrement(ref _pendingControl);
                _pendingBytes += FrameWriter.WritePong(output, item.Value);
                return false;
            case FramedWork.Descriptor:
                Interlocked.Decrement(ref _pendingControl);
                _pendingBytes += FrameWriter.WriteDescriptor(output, _options.DescriptorDocument.Span);
                return false;
            case FramedWork.UserKeys:
                // §14.4: one frame carrying end_stream; a cancel on a lookup is ignored.
                _pendingBytes += _userKeys is { } door && door.TryGet(item.AddressHash, out var bundle)
                    ? FrameWriter.WriteUserKeys(output, item.StreamId, MetaStatus.Ok, bundle.Span)
                    : FrameWriter.WriteUserKeys(output, item.StreamId, MetaStatus.NotFound, default);
                return false;
        }

        if (item.IsCancelled)
        {
            // §8.3 cancel: stop at this frame boundary and end the stream with an empty data frame carrying end_stream, so
            // that every stream ends with exactly one such frame and the client knows when the id is free again. What was
            // written before still counts (§9).
            _pendingBytes += BlobFrames.WriteEnd(output, item.StreamId);
            item.Finished = true;
            return false;
        }

        if (!item.Started)
        {
            return await StartAsync(output, item, cancellationToken).ConfigureAwait(false);
        }

        if (item.Proof is { } proof)
        {
            // The range proof goes out before any data of the stream, a frame per turn like data (§8.3).
            _pendingBytes += ProofFrames.WriteNext(output, item.StreamId, proof.AsSpan(0, item.ProofLength), ref item.ProofNext, endStream: item.Head);
            if (item.ProofNext < item.ProofLength)
            {
                return true;
            }

            item.ReleaseProof();
            item.Finished = item.Head;
            return !item.Head;
        }

        var count = (int)Math.Min(_options.DataFrameSize, item.End - item.Next);
        var written = await BlobFrames.WriteDataAsync(output, _reader, item.Request.Capability, item.Blob, item.StreamId, item.Next, count, item.End, cancellationToken).ConfigureAwait(false);
        if (written < 0)
        {
            // Reclaimed under us: end the stream short of its meta's length; the client sees the gap and fails it.
            _pendingBytes += BlobFrames.WriteEnd(output, item.StreamId);
            item.Finished = true;
            return false;
        }

        _pendingBytes += FrameHeader.Size + written;
        item.Next += written;
        item.Finished = item.Next >= item.End;
        return !item.Finished;
    }

    /// <summary>Looks the capability up and writes the meta; unknown, expired and retracted all read as not_found (§8).</summary>
    private async ValueTask<bool> StartAsync(PipeWriter output, FramedWorkItem item, CancellationToken cancellationToken)
    {
        item.Started = true;
        var blob = await _store.GetBlobAsync(item.Request.Capability).ConfigureAwait(false);
        if (blob is not { } info)
        {
            _requests.Answered(FetchDoor.Framed, FetchStatus.NotFound);
            _pendingBytes += BlobFrames.WriteFailure(output, item.StreamId, MetaStatus.NotFound);
            item.Finished = true;
            return false;
        }

        var request = item.Request;
        var status = BlobFrames.ResolveRange(request, info.Size, out var start, out var end);
        if (status != MetaStatus.Ok)
        {
            _requests.Answered(FetchDoor.Framed, FetchRequestCounters.FromMeta(status));
            _pendingBytes += BlobFrames.WriteFailure(output, item.StreamId, status);
            item.Finished = true;
            return false;
        }

        if (item.WantsProof)
        {
            var (proofStatus, proof, proofLength) = await ProofFrames.BuildAsync(_store, request.Capability, start, end, cancellationToken).ConfigureAwait(false);
            if (proofStatus != MetaStatus.Ok)
            {
                _requests.Answered(FetchDoor.Framed, FetchRequestCounters.FromMeta(proofStatus));
                _pendingBytes += BlobFrames.WriteFailure(output, item.StreamId, proofStatus);
                item.Finished = true;
                return false;
            }

            if (proof is not null)
            {
                item.SetProof(proof, proofLength);
            }
        }

        _requests.Answered(FetchDoor.Framed, FetchStatus.Ok);
        item.Blob = info;
        item.Start = item.Next = start;
        item.End = end;
        _pendingBytes += BlobFrames.WriteOk(output, item.StreamId, info, start, end, endStream: item.Head && item.Proof is null);
        if (item.Head && item.Proof is null)
        {
            item.Finished = true;
            return false;
        }

        if (item.Proof is not null)
        {
            item.Counts = !item.Head;
            return true;
        }

        item.Counts = true;
        if (start == end)
        {
            // An empty range still ends with one empty data frame carrying end_stream.
            _pendingBytes += BlobFrames.WriteEnd(output, item.StreamId);
            item.Finished = true;
            return false;
        }

        return true;
    }
}
