using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Bulk;

/// <summary>
/// One bulk session at the sending gateway (docs/PROTOCOL.md §17.4): stages the block (manifest, then the blobs) in a
/// file, sends it once in order paced to the contact's rate on a dedicated thread, repairs what the receiver's reports
/// say is missing, sends its latest checkpoint again when an answer is overdue, and ends with a verified receipt or
/// cancelled — by its retry limit or, whatever happens, its bound (§17.6). Reports and receipts arrive on the socket's
/// thread through <see cref="OnReport"/> and <see cref="OnReceipt"/>. Per datagram nothing is allocated.
/// </summary>
internal sealed partial class OutgoingSession : IDisposable
{
    private readonly object _gate = new();
    private readonly BulkSessionId _id;
    private readonly byte[] _manifestBytes;
    private readonly BulkManifest _manifest;
    private readonly BulkContact _contact;
    private readonly BulkSenderOptions _options;
    private readonly TimeProvider _time;
    private readonly IBulkDatagramSink _sink;
    private readonly SocketAddress _peer;
    private readonly SafeFileHandle _block;
    private readonly long _blockLength;
    private readonly int _payload;
    private readonly int _segments;
    private readonly long[] _lastSent;
    private readonly bool[] _queued;
    private readonly Queue<int> _repairs = new();
    private readonly List<long> _checkpointSeq = [0];
    private readonly long _round;
    private readonly long _receiptWait;
    private readonly long _start;
    private readonly long _deadline;
    private readonly long _sendUntil = long.MaxValue;
    private readonly TaskCompletionSource _sendingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<BulkCancelReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _staged;
    private int _nextFresh;
    private long _seq;
    private int _sinceCheckpoint;
    private int _lastCheckpointSegment = -1;
    private bool _resendCheckpoint;
    private long _timerDue = long.MaxValue;
    private int _retries;
    private bool _blockIn;
    private bool _over;
    private bool _tailStarted;
    private int _tailNext;
    private int _tailEnd;

    public OutgoingSession(BulkSessionId id, byte[] manifestBytes, BulkManifest manifest, BulkContact contact, BulkSenderOptions options, TimeProvider time, IBulkDatagramSink sink, string stagingDirectory)
    {
        _id = id;
        _manifestBytes = manifestBytes;
        _manifest = manifest;
        _contact = contact;
        _options = options;
        _time = time;
        _sink = sink;
        _peer = contact.PeerEndPoint.Serialize();
        _blockLength = manifestBytes.Length + manifest.PayloadBytes;
        _payload = options.MaxDatagramBytes - BulkDatagram.DataHeaderSize;
        _segments = (int)((_blockLength + _payload - 1) / _payload);
        _lastSent = new long[_segments];
        _queued = new bool[_segments];
        _round = Ticks(BulkBound.Round(contact, options));
        _receiptWait = Ticks(options.ReceiptWait);
        Bound = BulkBound.Session(_blockLength, contact, options);
        _start = time.GetTimestamp();
        _deadline = _start + Ticks(Bound);
        if (contact.End is { } end)
        {
            // Nothing is sent after the contact ends (§17.6); the answers to what was sent may still come for one round and
            // the receipt wait, which is all a long light time needs (a Mars window closes long before its first report).
            _sendUntil = _start + Ticks(end - time.GetUtcNow());
            _deadline = Math.Min(_deadline, _sendUntil + _round + _receiptWait);
        }

        _block = File.OpenHandle(Path.Combine(stagingDirectory, $"tern-bulk-{id}.block"), FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.DeleteOnClose);
    }

    public BulkSessionId Id => _id;

    public BulkManifest Manifest => _manifest;

    public byte[] ManifestBytes => _manifestBytes;

    public long BlockLength => _blockLength;

    public TimeSpan Bound { get; }

    public long DatagramsSent { get; private set; }

    public long DatagramsRepeated { get; private set; }

    public long Repairs { get; private set; }

    public long TailCopies { get; private set; }

    public int CheckpointRetries { get; private set; }

    public long BytesSent { get; private set; }

    public long BytesReceived { get; private set; }

    /// <summary>When the receiver first said it held every byte, in the clock's timestamps, or 0.</summary>
    public long DeliveredAt { get; private set; }

    /// <summary>When the session ended, in the clock's timestamps, or 0 while it runs.</summary>
    public long EndedAt { get; private set; }

    /// <summary>The receipt that ended the session, or null.</summary>
    public byte[]? Receipt { get; private set; }

    /// <summary>
    /// Whether the receiver said it holds every byte (a complete report): it is committing, and a receipt that comes after
    /// the session's end is still its answer.
    /// </summary>
    public bool BlockReported
    {
        get
        {
            lock (_gate)
            {
                return _blockIn;
            }
        }
    }

    public TimeSpan Elapsed(long until) => _time.GetElapsedTime(_start, until);

    /// <summary>
    /// Completes when the session will send nothing more on the link: its contact has ended (the answers may still come) or
    /// the session has. The link is then free for the peer's next session.
    /// </summary>
    public Task SendingDone => _sendingDone.Task;

    /// <summary>Completes with <see cref="BulkCancelReason.None"/> on a verified receipt, else the reason it was cancelled.</summary>
    public Task<BulkCancelReason> Ended => _ended.Task;

    /// <summary>Stages the block and sends it; the returned task is <see cref="Ended"/>.</summary>
    public Task<BulkCancelReason> Start(Func<int, long, Memory<byte>, ValueTask<int>> readBlob)
    {
        _ = StageAsync(readBlob);
        new Thread(SendLoop) { IsBackground = true, Name = "bulk-send" }.Start();
        return Ended;
    }

    /// <summary>Ends the session now (the gateway is stopping).</summary>
    public void Stop() => End(BulkCancelReason.Stopping, tellPeer: true);

    public void Dispose() => _block.Dispose();

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Writes the manifest, then each blob in order, into the block file, moving the staged mark as it goes.</summary>
    private async Task StageAsync(Func<int, long, Memory<byte>, ValueTask<int>> readBlob)
    {
        try
        {
            await RandomAccess.WriteAsync(_block, _manifestBytes, 0).ConfigureAwait(false);
            Volatile.Write(ref _staged, _manifestBytes.Length);
            var buffer = new byte[256 * 1024];
            long at = _manifestBytes.Length;
            for (var i = 0; i < _manifest.Entries.Count && !_over; i++)
            {
                var size = _manifest.Entries[i].PayloadSize;
                for (long offset = 0; offset < size && !_over;)
                {
                    var want = (int)Math.Min(buffer.Length, size - offset);
                    var read = await readBlob(i, offset, buffer.AsMemory(0, want)).ConfigureAwait(false);
                    if (read <= 0)
                    {
                        End(BulkCancelReason.SourceGone, tellPeer: true);
                        return;
                    }

                    await RandomAccess.WriteAsync(_block, buffer.AsMemory(0, read), at).ConfigureAwait(false);
                    offset += read;
                    at += read;
                    Volatile.Write(ref _staged, at);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            End(BulkCancelReason.SourceGone, tellPeer: true);
        }
    }
}
