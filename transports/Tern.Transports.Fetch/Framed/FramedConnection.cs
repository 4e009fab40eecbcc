using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Transports.Fetch.Framed;

/// <summary>
/// One framed fetch connection (docs/PROTOCOL.md §8.2–8.3). The reader parses the client's frames and hands work to
/// the writer through a channel; the writer alone touches the output pipe: it serves the open streams in turns, one
/// data frame each (so one large blob does not stall small ones), and waits on <c>FlushAsync</c> for backpressure.
/// A protocol error becomes a goaway from the writer, then the connection closes.
/// </summary>
internal sealed partial class FramedConnection
{
    /// <summary>Pongs and descriptors owed to the client at once (docs/PROTOCOL.md §8.6.3).</summary>
    private const int MaxPendingControl = 64;

    private readonly IDuplexPipe _transport;
    private readonly string _connectionId;
    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly FetchServerOptions _options;
    private readonly FrameReader _frameReader;
    private readonly ILogger _logger;
    private readonly ConnectionDeadlines.Deadline? _deadline;
    private readonly Channel<FramedWorkItem> _work;
    private readonly Dictionary<uint, FramedWorkItem> _streams = [];
    private readonly Stack<FramedWorkItem> _pool = new();
    private int _pendingControl;
    private int _closeRequested;

    private readonly UserKeys.UserKeyDoor? _userKeys;
    private readonly FetchRequestCounters _requests;

    public FramedConnection(IDuplexPipe transport, string connectionId, TransitStore store, BlobReader reader, FetchCoverage coverage, FetchServerOptions options, FrameReader frameReader, ILogger logger,
        FetchRequestCounters requests, ConnectionDeadlines.Deadline? deadline = null, UserKeys.UserKeyDoor? userKeys = null)
    {
        _requests = requests;
        _userKeys = userKeys;
        _transport = transport;
        _connectionId = connectionId;
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _options = options;
        _frameReader = frameReader;
        _logger = logger;
        _deadline = deadline;

        // With synchronous continuations an idle writer loop runs the item on the reader's thread, inside TryWrite.
        _work = Channel.CreateUnbounded<FramedWorkItem>(new UnboundedChannelOptions
        {
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = options.FramedWriterInline,
        });
    }

    /// <summary>
    /// Asks the connection to end because the server is stopping: once no fetch is open it sends <c>goaway</c>
    /// <c>normal</c> ("closing") and closes, so a stopping server's idle connections end at once and open fetches finish
    /// first. Any thread; the read loop does the sending, as the only writer of the work queue besides the writer loop.
    /// </summary>
    public void RequestClose()
    {
        Volatile.Write(ref _closeRequested, 1);
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Runs the connection until the client leaves, a goaway is sent, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        _deadline?.ArmIn(_options.RequestHeadersTimeout);
        try
        {
            if (!await ReadPrefaceAsync(input, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // Gone before it said anything, or silent past its deadline: nothing to answer.
            return;
        }

        FrameWriter.WritePreface(_transport.Output);
        var writer = WriteLoopAsync(cancellationToken);
        try
        {
            await ReadLoopAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // The client went away or its deadline passed; the writer notices on its next flush.
        }
        finally
        {
            _work.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
    }

    private static async ValueTask<bool> ReadPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            var ok = FramePreface.TryRead(buffer, ref consumed, ref examined, out var error);
            input.AdvanceTo(consumed, examined);
            if (ok)
            {
                return true;
            }

            // Anything else, or the client leaving before 8 bytes: close without answering (§8.2).
            if (error != FrameError.None || result.IsCompleted || result.IsCanceled)
            {
                return false;
            }
        }
    }

    private async Task ReadLoopAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            // An idle connection (no fetch open) is closed after the keep-alive time without a frame; a client keeping
            // one pings. While fetches are open nothing is timed: a slow link may take long to drain a large blob.
            ArmIdleDeadline();
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var keepGoing = true;
            while (keepGoing)
            {
                SequencePosition consumed = buffer.Start, examined = buffer.End;
                if (!_frameReader.TryParse(buffer, ref consumed, ref examined, out var frame, out var error))
                {
                    if (error != FrameError.None)
                    {
                        FetchLogMessages.FramedProtocolError(_logger, _connectionId, error);
                        SendGoAway(error.ToGoAwayCode(), GoAwayReasons.For(error));
                        input.AdvanceTo(buffer.End);
                        return;
                    }

                    input.AdvanceTo(consumed, examined);
                    break;
                }

                keepGoing = Handle(frame);
                buffer = buffer.Slice(consumed);
                if (!keepGoing)
                {
                    input.AdvanceTo(buffer.End);
                    return;
                }
            }

            if (result.IsCompleted)
            {
                return;
            }

            // A cancelled read is the idle deadline (ConnectionDeadlines) or RequestClose; the latter closes once the open
            // fetches have ended (the last one's release cancels the read again).
            if (result.IsCanceled)
            {
                if (Volatile.Read(ref _closeRequested) == 0)
                {
                    return;
                }

                if (NoStreamOpen())
                {
                    SendGoAway(GoAwayCode.Normal, GoAwayReasons.Closing);
                    return;
                }
            }
        }
    }

    private bool NoStreamOpen()
    {
        lock (_streams)
        {
            return _streams.Count == 0;
        }
    }

    /// <summary>Acts on one well-formed frame; false when the connection must end (a goaway was queued or received).</summary>
    private bool Handle(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Fetch:
                return OpenStream(frame);
            case FrameType.Cancel:
                lock (_streams)
                {
                    // A cancel for a stream that already ended is harmless: the frames crossed.
                    if (_streams.TryGetValue(frame.StreamId, out var stream))
                    {
                        stream.Cancel();
                    }
                }

                return true;
            case FrameType.Ping:
                frame.TryGetPingData(out var data);
                return TakeControl() && Enqueue(FramedWork.Pong, data);
            case FrameType.DescriptorRequest:
                if (_options.DescriptorDocument.IsEmpty)
                {
                    return Refuse(GoAwayCode.Normal, GoAwayReasons.NoDescriptor);
                }

                return TakeControl() && Enqueue(FramedWork.Descriptor, 0);
            case FrameType.UserKeysRequest:
                return OpenStream(frame);
            case FrameType.Pong:
                return true;
            case FrameType.GoAway:
                return false;
            default:
                // meta, data and descriptor travel from server to client only.
                return Refuse(GoAwayCode.ProtocolError, GoAwayReasons.WrongDirection);
        }
    }

    /// <summary>
    /// Counts one more control frame owed to the client (a pong or a descriptor, answered by the writer in turn).
    /// Beyond <see cref="MaxPendingControl"/> it is a flood (§8.6.3): a client that sends them faster than it reads
    /// their answers would otherwise grow the work queue without bound, one item per frame.
    /// </summary>
    private bool TakeControl() =>
        Interlocked.Increment(ref _pendingControl) <= MaxPendingControl || Refuse(GoAwayCode.ProtocolError, GoAwayReasons.ControlFlood);

    private bool OpenStream(in Frame frame)
    {
        Span<byte> scratch = stackalloc byte[FetchRequest.Size];
        var payload = frame.GetPayloadSpan(scratch);
        var lookup = frame.Type == FrameType.UserKeysRequest;
        FetchRequest request = default;
        if (!lookup)
        {
            FetchRequest.TryRead(payload, out request, out _);
        }

        FramedWorkItem item;
        lock (_streams)
        {
            if (_streams.ContainsKey(frame.StreamId))
            {
                return Refuse(GoAwayCode.ProtocolError, GoAwayReasons.StreamInUse);
            }

            if (_streams.Count >= _options.MaxStreamsPerConnection)
            {
                return Refuse(GoAwayCode.TooManyStreams, GoAwayReasons.TooManyStreams);
            }

            item = _pool.Count > 0 ? _pool.Pop() : new FramedWorkItem();
            if (lookup)
            {
                // A lookup is a stream like a fetch (§14.4): it counts towards the limit and holds its id until answered.
                item.ResetUserKeys(frame.StreamId, new Engine.Protocol.Bytes32(payload));
            }
            else
            {
                item.ResetFetch(frame.StreamId, request, frame.IsHead, frame.WantsProof);
            }

            _streams.Add(frame.StreamId, item);

            // A fetch is open: no deadline until the last one ends (a slow link may take long to drain it).
            _deadline?.Clear();
        }

        return _work.Writer.TryWrite(item);
    }

    private bool Enqueue(FramedWork kind, ulong value)
    {
        FramedWorkItem item;
        lock (_streams)
        {
            item = _pool.Count > 0 ? _pool.Pop() : new FramedWorkItem();
        }

        item.Reset(kind, 0, value);
        return _work.Writer.TryWrite(item);
    }

    private bool Refuse(GoAwayCode code, byte[] reason)
    {
        FetchLogMessages.FramedRefused(_logger, _connectionId, System.Text.Encoding.UTF8.GetString(reason));
        SendGoAway(code, reason);
        return false;
    }

    private void SendGoAway(GoAwayCode code, byte[] reason)
    {
        var item = new FramedWorkItem();
        item.Reset(FramedWork.GoAway, 0, (ulong)code);
        item.Reason = reason;
        _work.Writer.TryWrite(item);
        _work.Writer.TryComplete();
    }

    /// <summary>Frees the stream id of a finished or cancelled fetch; the item itself may still await its flush.</summary>
    private void Release(FramedWorkItem item)
    {
        lock (_streams)
        {
            if (_streams.TryGetValue(item.StreamId, out var current) && ReferenceEquals(current, item))
            {
                _streams.Remove(item.StreamId);
            }

            ArmIdleDeadlineLocked();
            if (_streams.Count == 0 && Volatile.Read(ref _closeRequested) == 1)
            {
                _transport.Input.CancelPendingRead();
            }
        }
    }

    /// <summary>Arms the keep-alive deadline when no fetch is open, clears it otherwise.</summary>
    private void ArmIdleDeadline()
    {
        if (_deadline is null)
        {
            return;
        }

        lock (_streams)
        {
            ArmIdleDeadlineLocked();
        }
    }

    // The caller holds the streams' lock, so the count and the deadline agree.
    private void ArmIdleDeadlineLocked()
    {
        if (_streams.Count == 0)
        {
            _deadline?.ArmIn(_options.KeepAliveTimeout);
        }
        else
        {
            _deadline?.Clear();
        }
    }

    /// <summary>Puts a finished item back in the connection's pool.</summary>
    private void Return(FramedWorkItem item)
    {
        Release(item);
        lock (_streams)
        {
            _pool.Push(item);
        }
    }
}
