using System.Buffers;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

public sealed partial class FramedFetchClient
{
    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        Exception reason = new IOException("The fetch door closed the connection.");
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    SequencePosition consumed = buffer.Start, examined = buffer.End;
                    if (!FrameReader.Default.TryParse(buffer, ref consumed, ref examined, out var frame, out var error))
                    {
                        if (error != FrameError.None)
                        {
                            throw new FetchGoAwayException(GoAwayCode.ProtocolError, "the server sent a bad frame: " + error);
                        }

                        _input.AdvanceTo(consumed, examined);
                        break;
                    }

                    await HandleAsync(frame).ConfigureAwait(false);
                    buffer = buffer.Slice(consumed);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            reason = ex as IOException ?? new IOException("The fetch connection failed.", ex);
        }
        finally
        {
            Close(reason);
        }
    }

    private async ValueTask HandleAsync(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Meta:
                HandleMeta(frame);
                break;
            case FrameType.Data:
                await HandleDataAsync(frame).ConfigureAwait(false);
                break;
            case FrameType.Proof:
                HandleProof(frame);
                break;
            case FrameType.GoAway:
                var payload = frame.Payload.ToArray();
                GoAway.TryRead(payload, out var goAway, out _);
                throw new FetchGoAwayException(goAway.Code, Utf8(goAway.Reason));
            case FrameType.Ping:
                frame.TryGetPingData(out var ping);
                _ = WriteAsync(w => FrameWriter.WritePong(w, ping), CancellationToken.None);
                break;
            case FrameType.Pong:
                frame.TryGetPingData(out var pong);
                Volatile.Read(ref _pong)?.TrySetResult(pong);
                break;
            case FrameType.Descriptor:
                Volatile.Read(ref _descriptor)?.TrySetResult(frame.Payload.ToArray());
                break;
            case FrameType.UserKeys:
                var answer = frame.Payload.ToArray();
                if (_lookups.TryGetValue(frame.StreamId, out var lookup))
                {
                    lookup.TrySetResult(((MetaStatus)answer[0], answer[0] == (byte)MetaStatus.Ok ? answer[1..] : null));
                }

                break;
            default:
                throw new FetchGoAwayException(GoAwayCode.ProtocolError, "the server sent a client frame: " + frame.Type);
        }
    }

    private void HandleMeta(in Frame frame)
    {
        if (!_pending.TryGetValue(frame.StreamId, out var fetch))
        {
            return; // A fetch we cancelled: its frames may still be on the way.
        }

        Span<byte> scratch = stackalloc byte[FetchMeta.MaxSize];
        if (frame.Payload.Length > FetchMeta.MaxSize || !FetchMeta.TryRead(frame.GetPayloadSpan(scratch), out var meta, out var error))
        {
            throw new FetchGoAwayException(GoAwayCode.ProtocolError, "bad meta from the server");
        }

        if (meta.Status != MetaStatus.Ok)
        {
            Complete(frame.StreamId, fetch, FetchResponse.Failure(meta.Status));
            return;
        }

        fetch.Meta = new FetchResponse(MetaStatus.Ok, meta.TotalSize, meta.PayloadHash, meta.Offset, 0);
        fetch.Expected = meta.Length;
        if (fetch.Proof is { } proof && meta.TotalSize != proof.Verifier.Size)
        {
            // Another size than notified: the caller sees it in the meta; the proof, made for that size, is of no use.
            Abandon(frame.StreamId);
            fetch.Completion.TrySetResult(fetch.Meta);
            return;
        }

        if (frame.IsEndStream)
        {
            if (fetch.Proof is { Count: > 0 })
            {
                Fail(frame.StreamId, fetch, new PayloadMismatchException(-1, "The door ended the stream without the proof it was asked for."));
                return;
            }

            Complete(frame.StreamId, fetch, fetch.Meta);
        }
    }

    /// <summary>Fails one fetch and cancels its stream; the connection and its other fetches go on.</summary>
    private void Fail(uint streamId, PendingFetch fetch, Exception reason)
    {
        Abandon(streamId);
        fetch.Fail(reason);
    }

    private void Abandon(uint streamId)
    {
        _pending.TryRemove(streamId, out _);
        _ = WriteAsync(w => FrameWriter.WriteCancel(w, streamId), CancellationToken.None);
    }

    private async ValueTask HandleDataAsync(Frame frame)
    {
        if (!_pending.TryGetValue(frame.StreamId, out var fetch))
        {
            return;
        }

        if (fetch.Meta.Status != MetaStatus.Ok || fetch.Received + frame.Payload.Length > fetch.Expected)
        {
            throw new FetchGoAwayException(GoAwayCode.ProtocolError, "data beyond the meta's range");
        }

        if (fetch.Proof is { Accepted: false })
        {
            Fail(frame.StreamId, fetch, new PayloadMismatchException(-1, "The door sent data before the proof it was asked for."));
            return;
        }

        try
        {
            foreach (var segment in frame.Payload)
            {
                await fetch.Destination.WriteAsync(segment).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is PayloadMismatchException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // A chunk that does not match, or a destination that cannot take it: this fetch ends here, not the connection.
            Fail(frame.StreamId, fetch, ex);
            return;
        }

        fetch.Received += frame.Payload.Length;
        if (!frame.IsEndStream)
        {
            return;
        }

        if (fetch.Received == fetch.Expected)
        {
            Complete(frame.StreamId, fetch, fetch.Meta with { Received = fetch.Received });
        }
        else
        {
            _pending.TryRemove(frame.StreamId, out _);
            fetch.Fail(new IOException($"The server ended the stream after {fetch.Received} of {fetch.Expected} bytes (blob no longer available)."));
        }
    }

    private void Complete(uint streamId, PendingFetch fetch, FetchResponse response)
    {
        _pending.TryRemove(streamId, out _);
        fetch.Completion.TrySetResult(response);
    }

    /// <summary>One fetch waiting for its frames.</summary>
    private sealed class PendingFetch
    {
        public PendingFetch(Stream destination, ulong offset)
        {
            Destination = destination;
            Offset = (long)offset;
        }

        public Stream Destination { get; }

        public long Offset { get; }

        public FetchResponse Meta { get; set; }

        public long Expected { get; set; }

        public long Received { get; set; }

        /// <summary>The proof this fetch asked for, if any.</summary>
        public ProofState? Proof { get; init; }

        public TaskCompletionSource<FetchResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception reason) => Completion.TrySetException(reason);
    }
}
