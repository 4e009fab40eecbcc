using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

/// <summary>
/// A client of the framed fetch door (docs/PROTOCOL.md §8.2–8.3): one TCP (or TLS) connection carrying any number of
/// concurrent fetches, each on its own stream id. One read loop routes <c>meta</c> and <c>data</c> frames to the fetch
/// they belong to and writes data straight to that fetch's destination stream. Thread-safe.
/// </summary>
public sealed partial class FramedFetchClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, PendingFetch> _pending = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(MetaStatus, byte[]?)>> _lookups = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _readLoop = Task.CompletedTask;
    private TaskCompletionSource<ulong>? _pong;
    private TaskCompletionSource<byte[]>? _descriptor;
    private Exception? _closedBecause;
    private int _nextStream;

    private FramedFetchClient(Stream stream)
    {
        _stream = stream;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>Whether the connection still works (no goaway, no error).</summary>
    public bool IsConnected => Volatile.Read(ref _closedBecause) is null;

    /// <summary>Fetches in flight on this connection.</summary>
    public int InFlight => _pending.Count;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, negotiates TLS if asked and exchanges prefaces (§8.2).</summary>
    public static async Task<FramedFetchClient> ConnectAsync(string host, int port, FramedFetchClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        options ??= new FramedFetchClientOptions();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            if (options.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.TargetHost ?? host,
                        ApplicationProtocols = [new SslApplicationProtocol("tern/1"u8.ToArray())],
                        RemoteCertificateValidationCallback = options.CertificateValidation,
                    },
                    timeout.Token).ConfigureAwait(false);
            }

            var client = new FramedFetchClient(stream);
            await client.HandshakeAsync(timeout.Token).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to an IP endpoint (see <see cref="ConnectAsync(string, int, FramedFetchClientOptions?, CancellationToken)"/>).</summary>
    public static Task<FramedFetchClient> ConnectAsync(IPEndPoint endPoint, FramedFetchClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return ConnectAsync(endPoint.Address.ToString(), endPoint.Port, options, cancellationToken);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        FrameWriter.WritePreface(_output);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            var ok = FramePreface.TryRead(buffer, ref consumed, ref examined, out var error);
            _input.AdvanceTo(consumed, examined);
            if (ok)
            {
                break;
            }

            if (error != FrameError.None || result.IsCompleted)
            {
                throw new FetchGoAwayException(GoAwayCode.ProtocolError, "the server did not answer with the TERN/1 preface");
            }
        }

        _readLoop = ReadLoopAsync(_closing.Token);
    }

    /// <summary>
    /// Fetches [<paramref name="offset"/>, end) — or <paramref name="length"/> bytes — of a blob, writing the data to
    /// <paramref name="destination"/> as it arrives. Returns the meta's answer; throws <see cref="IOException"/> when the
    /// connection fails or the stream ends short of its meta's length.
    /// </summary>
    public Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset = 0, long length = -1, CancellationToken cancellationToken = default)
        => FetchAsync(capability, destination, offset, length, null, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(FetchCapability, Stream, long, long, CancellationToken)"/>, checked by
    /// <paramref name="verifier"/>: the fetch stops where its leaves end, and when it holds none for
    /// <paramref name="offset"/>'s chunk the fetch sets the <c>proof</c> flag and the proof frames that precede the data
    /// must verify (docs/PROTOCOL.md §8.3, §4.8), or the fetch fails with <see cref="PayloadMismatchException"/>. A chunk
    /// the destination refuses fails this fetch (and cancels its stream), not the connection.
    /// </summary>
    public Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, long length, PayloadVerifier? verifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ProofState? proof = null;
        if (verifier is not null)
        {
            var end = verifier.CheckableEnd(offset);
            if (end <= offset && verifier.NeedsProofs)
            {
                var (first, count) = verifier.ProofWindow(offset);
                proof = new ProofState(verifier, first, count);
                end = Math.Min(verifier.Size, (first + count) << Tern.Engine.Protocol.Payload.PayloadTree.ChunkShift);
            }

            length = length < 0 ? Math.Max(0, end - offset) : Math.Min(length, Math.Max(0, end - offset));
        }

        return SendFetchAsync(new FetchRequest(capability, (ulong)offset, length < 0 ? FetchRequest.ToEnd : (ulong)length), destination, head: false, proof, cancellationToken);
    }

    /// <summary>
    /// Asks for the range proof of the window from <paramref name="offset"/>'s chunk alone (a <c>head</c> fetch with the
    /// <c>proof</c> flag) and gives it to <paramref name="verifier"/>; throws <see cref="PayloadMismatchException"/> when it
    /// does not verify.
    /// </summary>
    public Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var (first, count) = verifier.ProofWindow(offset);
        var start = first << Tern.Engine.Protocol.Payload.PayloadTree.ChunkShift;
        var end = Math.Min(verifier.Size, (first + count) << Tern.Engine.Protocol.Payload.PayloadTree.ChunkShift);
        return SendFetchAsync(new FetchRequest(capability, (ulong)start, (ulong)(end - start)), Stream.Null, head: true, new ProofState(verifier, first, count), cancellationToken);
    }

    /// <summary>Asks for the metadata only (a <c>head</c> fetch).</summary>
    public Task<FetchResponse> HeadAsync(FetchCapability capability, CancellationToken cancellationToken = default)
        => SendFetchAsync(new FetchRequest(capability), Stream.Null, head: true, null, cancellationToken);

    /// <summary>Sends a <c>ping</c> and waits for its <c>pong</c>; returns the echoed value.</summary>
    public async Task<ulong> PingAsync(ulong value, CancellationToken cancellationToken = default)
    {
        var pong = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pong, pong);
        await WriteAsync(w => FrameWriter.WritePing(w, value), cancellationToken).ConfigureAwait(false);
        return await pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for the server's signed descriptor document (§6.2, §8.3).</summary>
    public async Task<byte[]> GetDescriptorAsync(CancellationToken cancellationToken = default)
    {
        var descriptor = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _descriptor, descriptor);
        await WriteAsync(FrameWriter.WriteDescriptorRequest, cancellationToken).ConfigureAwait(false);
        return await descriptor.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Looks up the key bundle a domain publishes for <paramref name="addressHash"/> (docs/PROTOCOL.md §14.4): a
    /// <c>user_keys_request</c> on a stream of its own, answered by one <c>user_keys</c> frame. The bundle's bytes come
    /// back unparsed (null unless the status is ok); the caller parses and checks them (§14.5).
    /// </summary>
    public async Task<(MetaStatus Status, byte[]? Bundle)> LookupUserKeysAsync(Bytes32 addressHash, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var streamId = (uint)Interlocked.Increment(ref _nextStream);
        var answer = new TaskCompletionSource<(MetaStatus, byte[]?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _lookups[streamId] = answer;
        try
        {
            await WriteAsync(w => FrameWriter.WriteUserKeysRequest(w, streamId, addressHash), cancellationToken).ConfigureAwait(false);
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lookups.TryRemove(streamId, out _);
        }
    }

    private async Task<FetchResponse> SendFetchAsync(FetchRequest request, Stream destination, bool head, ProofState? proof, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        var streamId = (uint)Interlocked.Increment(ref _nextStream);
        var fetch = new PendingFetch(destination, request.Offset) { Proof = proof };
        _pending[streamId] = fetch;
        try
        {
            // Registered before the request goes out: the answer may arrive (and complete) before the write returns.
            using (cancellationToken.Register(static state => ((PendingFetch)state!).Fail(new OperationCanceledException()), fetch))
            {
                await WriteAsync(w => FrameWriter.WriteFetch(w, streamId, request, head, proof is not null), cancellationToken).ConfigureAwait(false);
                return await fetch.Completion.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(streamId, out _);
            if (IsConnected)
            {
                await WriteAsync(w => FrameWriter.WriteCancel(w, streamId), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private async Task WriteAsync(Func<IBufferWriter<byte>, int> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            write(_output);
            var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                throw new IOException("The fetch connection is closed.");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closedBecause) is { } reason)
        {
            throw reason as IOException ?? new IOException("The fetch connection is closed.", reason);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Close(new IOException("The fetch client was disposed."));
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _closing.Dispose();
        _writeLock.Dispose();
    }

    private void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closedBecause, reason, null) is not null)
        {
            return;
        }

        foreach (var (id, fetch) in _pending)
        {
            _pending.TryRemove(id, out _);
            fetch.Fail(reason);
        }

        Volatile.Read(ref _pong)?.TrySetException(reason);
        Volatile.Read(ref _descriptor)?.TrySetException(reason);
        foreach (var lookup in _lookups.Values)
        {
            lookup.TrySetException(reason);
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
