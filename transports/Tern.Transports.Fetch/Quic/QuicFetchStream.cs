using System.IO.Pipelines;
using System.Net.Quic;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;
using Tern.Transports.Fetch.Framed;

namespace Tern.Transports.Fetch.Quic;

/// <summary>
/// One QUIC stream (docs/PROTOCOL.md §8.4): the client writes a <c>fetch</c> frame (stream field 0) and finishes its
/// side; the server answers <c>meta</c> then <c>data</c> frames and finishes. A stream carrying connection frames
/// (<c>ping</c>, <c>descriptor_request</c>) gets their answers instead. QUIC's own flow control gives backpressure.
/// </summary>
internal sealed class QuicFetchStream
{
    private static readonly FrameReader Reader = new(FrameLimits.MaxControlPayloadSize, checkStreamIds: false);

    private readonly QuicStream _stream;
    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly FetchRequestCounters _requests;
    private readonly FetchServerOptions _options;
    private readonly ILogger _logger;

    public QuicFetchStream(QuicStream stream, TransitStore store, BlobReader reader, FetchCoverage coverage, FetchRequestCounters requests, FetchServerOptions options, ILogger logger)
    {
        _requests = requests;
        _stream = stream;
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _options = options;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (_stream.ConfigureAwait(false))
        {
            var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
            var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
            try
            {
                await ServeAsync(input, output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                _stream.CompleteWrites();
            }
            catch (Exception ex) when (ex is QuicException or IOException or OperationCanceledException)
            {
                FetchLogMessages.QuicStreamFailed(_logger, ex);
            }
            finally
            {
                await input.CompleteAsync().ConfigureAwait(false);
                await output.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ServeAsync(PipeReader input, PipeWriter output, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            if (!Reader.TryParse(buffer, ref consumed, ref examined, out var frame, out var error))
            {
                if (error != FrameError.None)
                {
                    FrameWriter.WriteGoAway(output, error);
                    return;
                }

                input.AdvanceTo(consumed, examined);
                if (result.IsCompleted)
                {
                    return;
                }

                continue;
            }

            var type = frame.Type;
            var head = frame.IsHead;
            var proof = frame.WantsProof;
            FetchRequest request = default;
            ulong ping = 0;
            if (type == FrameType.Fetch)
            {
                request = ReadRequest(frame);
            }
            else
            {
                frame.TryGetPingData(out ping);
            }

            input.AdvanceTo(consumed);
            switch (type)
            {
                case FrameType.Fetch:
                    await ServeFetchAsync(output, request, head, proof, cancellationToken).ConfigureAwait(false);
                    return;
                case FrameType.Ping:
                    FrameWriter.WritePong(output, ping);
                    break;
                case FrameType.DescriptorRequest when !_options.DescriptorDocument.IsEmpty:
                    FrameWriter.WriteDescriptor(output, _options.DescriptorDocument.Span);
                    break;
                case FrameType.Pong:
                    break;
                default:
                    FrameWriter.WriteGoAway(output, new GoAway(GoAwayCode.ProtocolError, GoAwayReasons.WrongDirection));
                    return;
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static FetchRequest ReadRequest(in Frame frame)
    {
        Span<byte> scratch = stackalloc byte[FetchRequest.Size];
        FetchRequest.TryRead(frame.GetPayloadSpan(scratch), out var request, out _);
        return request;
    }

    private async Task ServeFetchAsync(PipeWriter output, FetchRequest request, bool head, bool wantsProof, CancellationToken cancellationToken)
    {
        if (await _store.GetBlobAsync(request.Capability).ConfigureAwait(false) is not { } blob)
        {
            _requests.Answered(FetchDoor.Quic, FetchStatus.NotFound);
            BlobFrames.WriteFailure(output, 0, MetaStatus.NotFound);
            return;
        }

        var status = BlobFrames.ResolveRange(request, blob.Size, out var start, out var end);
        if (status != MetaStatus.Ok)
        {
            _requests.Answered(FetchDoor.Quic, FetchRequestCounters.FromMeta(status));
            BlobFrames.WriteFailure(output, 0, status);
            return;
        }

        byte[]? proof = null;
        var proofLength = 0;
        if (wantsProof)
        {
            (status, proof, proofLength) = await ProofFrames.BuildAsync(_store, request.Capability, start, end, cancellationToken).ConfigureAwait(false);
            if (status != MetaStatus.Ok)
            {
                _requests.Answered(FetchDoor.Quic, FetchRequestCounters.FromMeta(status));
                BlobFrames.WriteFailure(output, 0, status);
                return;
            }
        }

        _requests.Answered(FetchDoor.Quic, FetchStatus.Ok);

        BlobFrames.WriteOk(output, 0, blob, start, end, endStream: head && proof is null);
        if (proof is not null)
        {
            // The range proof before any data (§8.3, §8.4).
            try
            {
                var next = 0;
                while (next < proofLength)
                {
                    ProofFrames.WriteNext(output, 0, proof.AsSpan(0, proofLength), ref next, endStream: head);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(proof);
            }
        }

        if (head)
        {
            return;
        }

        var flushed = start;
        try
        {
            if (start == end)
            {
                BlobFrames.WriteEnd(output, 0);
                return;
            }

            var position = start;
            while (position < end)
            {
                var count = (int)Math.Min(_options.DataFrameSize, end - position);
                var written = await BlobFrames.WriteDataAsync(output, _reader, request.Capability, blob, 0, position, count, end, cancellationToken).ConfigureAwait(false);
                if (written < 0)
                {
                    BlobFrames.WriteEnd(output, 0);
                    return;
                }

                position += written;
                flushed = position;
                var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled || result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            if (flushed > start || (start == end && blob.Size == 0))
            {
                _coverage.Record(request.Capability, blob, start, flushed);
            }

            _requests.Served(FetchDoor.Quic, flushed - start);
        }
    }
}
