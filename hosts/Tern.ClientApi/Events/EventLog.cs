using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;

namespace Tern.ClientApi.Events;

/// <summary>
/// Every user's event log (docs/C2S.md §11, §15) in one append-only file, <c>clientapi/events.log</c>: a line per event,
/// <c>user TAB sequence TAB json LF</c>. One file rather than one per user because appends are group committed: one
/// writer, one fsync for everything that arrived meanwhile, whichever users it was for (a file per user would pay a
/// flush per user touched, and hold a descriptor per user). Each user's sequences start at 1 and go up by one; a
/// user's events are found through an in-memory index of their lines' offsets, rebuilt by one scan when the log opens.
/// An event is readable, and its waiters woken, only once it is on disk, so a sequence a client saw is never reused
/// after a crash: a torn last line (never acknowledged) is cut off when the log opens.
/// </summary>
internal sealed partial class EventLog : IAsyncDisposable
{
    public const string FileName = "events.log";

    /// <summary>The meter of the log's instruments (its scope the log): <c>tern.clientapi.event_log_flushes</c>.</summary>
    public const string MeterName = "Tern.ClientApi";

    /// <summary>Longest event line read back; longer is a corrupt log.</summary>
    public const int MaxLineBytes = (1 << 20) - 1;

    /// <summary>The default of <see cref="ClientApiOptions.DeferredEventFlushDelay"/>.</summary>
    public static readonly TimeSpan DefaultDeferredFlushDelay = TimeSpan.FromMilliseconds(50);

    private readonly string _path;
    private readonly bool _durable;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserLog> _users = new(StringComparer.Ordinal);
    private readonly Channel<Pending> _appends = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Meter _meter;
    private long _flushes;
    private readonly TimeSpan _deferredFlushDelay;
    private readonly ITimer _deferredFlush;

    // The writer's: whether the deferred flush's timer is set, and whether its barrier came in this batch.
    private volatile bool _deferredFlushArmed;
    private bool _deferredFlushAsked;
    private int _heldDeferred;
    private FileStream _file;
    private Microsoft.Win32.SafeHandles.SafeFileHandle _reader;
    private long _length;

    /// <summary>Opens (creating) the log in <paramref name="directory"/>.</summary>
    /// <param name="directory">The client API's state directory.</param>
    /// <param name="durable">Whether each group of appends is flushed to disk before it is readable. Tests and benchmarks that seed a log may turn it off.</param>
    /// <param name="time">The clock events are stamped with.</param>
    /// <param name="deferredFlushDelay">Longest a line appended with <see cref="AppendDeferred"/> waits for another line's
    /// flush to carry it before it is flushed on its own; zero flushes it as any other.</param>
    public EventLog(string directory, bool durable = true, TimeProvider? time = null, TimeSpan? deferredFlushDelay = null)
    {
        _time = time ?? TimeProvider.System;
        _durable = durable;
        _deferredFlushDelay = deferredFlushDelay ?? DefaultDeferredFlushDelay;
        _deferredFlush = _time.CreateTimer(static state => ((EventLog)state!).FlushDeferred(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);

        // A compaction cut short before its rename left only its new file, and the log whole: drop the new file.
        File.Delete(_path + CompactSuffix);
        _length = Recover();
        _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1 << 16);
        _file.Position = _length;
        _reader = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        _writer = Task.Run(WriteLoopAsync);
        _meter = new Meter(MeterName, version: null, tags: null, scope: this);
        _meter.CreateObservableCounter("tern.clientapi.event_log_flushes", () => Flushes, "{flush}", "Flushes (fsync) of events.log: one per group commit that holds a line no other record keeps.");
    }

    /// <summary>Deferred lines written to the file and waiting for a flush to make them readable (for tests).</summary>
    internal int HeldDeferred => Volatile.Read(ref _heldDeferred);

    /// <summary>Events committed in all (for reports).</summary>
    public long Count { get; private set; }

    /// <summary>Flushes of the file to disk since open (none when not durable): what the log's own durability costs.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>
    /// Appends <paramref name="e"/> to <paramref name="user"/>'s log without waiting: its sequence and time are set now,
    /// in the order of calls; it becomes readable once written to disk. Never blocks (safe on the ingest loop).
    /// </summary>
    /// <returns>The event's sequence; 0 when the log is closed (the node is stopping: the event is not recorded).</returns>
    public ulong Append(string user, UserEvent e) => Enqueue(user, e, done: null);

    /// <summary>
    /// As <see cref="Append"/>, for an event whose news can wait a moment (<c>delivery_changed</c>): its line is written at
    /// once but flushed, and readable, only with the next line that is flushed, or after the deferred flush delay when none
    /// comes. Readable in order all the same: a line flushed after it makes it readable first. On a node that sends, the
    /// fetched mark of each message would otherwise cost a flush of its own, on the disk beside the next message's writes.
    /// </summary>
    public ulong AppendDeferred(string user, UserEvent e) => Enqueue(user, e, done: null, deferred: _deferredFlushDelay > TimeSpan.Zero);

    /// <summary>
    /// Appends <paramref name="e"/>, an event whose line its caller keeps in its own durable record (the message store's
    /// commit record, for <c>pulled</c>; the pull journal's begun record, for <c>received</c>), and returns that line. The
    /// line is written only once <paramref name="recorded"/> has completed, and is readable as soon as it is written and
    /// every earlier line is, without waiting for this log's flush: a crash that loses it leaves it in the caller's record,
    /// and <see cref="RestoreRecorded"/> puts it back. When <paramref name="recorded"/> faults or is cancelled the line is
    /// written and flushed like any other (its sequence is taken). Every later line waits for it, whoever it is for.
    /// </summary>
    /// <param name="user">The user whose log it goes to.</param>
    /// <param name="e">The event.</param>
    /// <param name="recorded">Completes once the caller's record holding the line is durable.</param>
    /// <param name="flushed">Called once this file holds the line durably (after the flush that covers it), so the caller's record may let it go.</param>
    /// <returns>The event's line (<c>user TAB sequence TAB json</c>); empty when the log is closed.</returns>
    public byte[] AppendRecorded(string user, UserEvent e, Task recorded, Action? flushed = null)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var json = Array.Empty<byte>();
        var sequence = Enqueue(user, e, done: null, recorded, serialized => json = serialized, flushed: flushed);
        return sequence == 0 ? [] : Line(user, sequence, json);
    }

    /// <summary>
    /// A task that completes once every event appended before the call is in the file and flushed (at once when the log
    /// is closed: its writer has then written everything).
    /// </summary>
    public Task FlushedAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _appends.Writer.TryWrite(new Pending("", 0, null, done, Barrier: true)) ? done.Task : _writer;
    }

    /// <summary>Appends <paramref name="e"/> and completes once it is on disk and readable.</summary>
    public async Task<ulong> AppendAsync(string user, UserEvent e, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sequence = Enqueue(user, e, done);
        ObjectDisposedException.ThrowIf(sequence == 0, this);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return sequence;
    }

    /// <summary>
    /// The oldest cursor <paramref name="user"/>'s log can answer from: 0 until a compaction dropped their oldest events,
    /// then the sequence before the oldest kept (an older cursor would miss events: <c>410 cursor-expired</c>).
    /// </summary>
    public ulong Oldest(string user)
    {
        lock (_lock)
        {
            return _users.TryGetValue(user, out var log) ? log.First - 1 : 0;
        }
    }

    /// <summary>The last sequence of <paramref name="user"/>'s log that is readable (0 for none).</summary>
    public ulong Last(string user)
    {
        lock (_lock)
        {
            return _users.TryGetValue(user, out var log) ? log.Committed : 0;
        }
    }

    /// <summary>Up to <paramref name="limit"/> events of <paramref name="user"/> after <paramref name="after"/>.</summary>
    public EventPage Read(string user, ulong after, int limit)
    {
        long[] lines;
        ulong committed;
        Microsoft.Win32.SafeHandles.SafeFileHandle reader;
        lock (_lock)
        {
            if (!_users.TryGetValue(user, out var log) || after >= log.Committed)
            {
                return new EventPage([], [], after, false);
            }

            // A cursor older than the oldest event kept (a compaction came between the route's check and this read) reads
            // nothing, with more to come: the next request with it is refused 410 and the client lists again.
            if (after < log.First - 1)
            {
                return new EventPage([], [], after, true);
            }
            committed = log.Committed;
            var count = (int)Math.Min((ulong)limit, committed - after);
            lines = new long[count];
            log.Lines.CopyTo(checked((int)(after - (log.First - 1))), lines, 0, count);

            // The handle of the file these offsets are in: a compaction replaces the file, and keeps the old handle open
            // until the next one, so a read that started before it finishes in the file it started in.
            reader = _reader;
        }

        var events = new ReadOnlyMemory<byte>[lines.Length];
        var sequences = new ulong[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            var (offset, length) = Unpack(lines[i]);
            var bytes = new byte[length];
            RandomAccess.Read(reader, bytes, offset);
            events[i] = bytes;
            sequences[i] = after + (ulong)i + 1;
        }

        var next = after + (ulong)lines.Length;
        return new EventPage(events, sequences, next, next < committed);
    }

    /// <summary>
    /// A task that completes when <paramref name="user"/>'s log has an event after <paramref name="after"/> (at once if
    /// it has one now). Wakes every waiter of the user; each reads, then waits again.
    /// </summary>
    public Task WaitAsync(string user, ulong after)
    {
        lock (_lock)
        {
            var log = LogOf(user);
            return log.Committed > after ? Task.CompletedTask : log.Changed.Task;
        }
    }

    private ulong Enqueue(string user, UserEvent e, TaskCompletionSource? done, Task? recorded = null, Action<byte[]>? serialized = null, bool keepTime = false, bool deferred = false,
        Action? flushed = null)
    {
        lock (_lock)
        {
            var log = LogOf(user);
            var sequence = ++log.Assigned;
            e.Sequence = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!keepTime)
            {
                e.Time = Http.Wire.Time(_time.GetUtcNow().ToUnixTimeMilliseconds());
            }

            // Serialized here when the caller keeps the line: the writer then writes the very bytes it kept.
            var json = serialized is null ? null : Serialize(e);
            serialized?.Invoke(json!);

            // Written to the channel under the lock, so the file holds each user's events in sequence order.
            if (!_appends.Writer.TryWrite(new Pending(user, sequence, e, done, After: recorded, Json: json, Deferred: deferred, Flushed: flushed)))
            {
                log.Assigned--;
                return 0;
            }

            return sequence;
        }
    }

    /// <summary>An event's line as the file holds it.</summary>
    private static byte[] Line(string user, ulong sequence, ReadOnlySpan<byte> json)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes(user + "\t" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\t");
        var line = new byte[prefix.Length + json.Length + 1];
        prefix.CopyTo(line, 0);
        json.CopyTo(line.AsSpan(prefix.Length));
        line[^1] = (byte)'\n';
        return line;
    }

    private UserLog LogOf(string user)
    {
        if (!_users.TryGetValue(user, out var log))
        {
            log = new UserLog();
            _users[user] = log;
        }

        return log;
    }

    private static long Pack(long offset, int length) => (offset << 20) | (uint)length;

    private static (long Offset, int Length) Unpack(long line) => (line >>> 20, (int)(line & MaxLineBytes));

    /// <summary>
    /// An append, readable once flushed, or (<paramref name="After"/> set) once <paramref name="After"/> completed and it is
    /// written; or (<paramref name="Compact"/> set) a compaction for the writer to run between two batches; or
    /// (<paramref name="Barrier"/>) a wait for everything before it to be flushed, told by <paramref name="Done"/>. A
    /// <paramref name="Deferred"/> append waits for another line's flush, or the deferred flush delay, to be flushed.
    /// <paramref name="Flushed"/> is told once the line is flushed (an <paramref name="After"/> line's record may then drop it).
    /// </summary>
    private readonly record struct Pending(string User, ulong Sequence, UserEvent? Event, TaskCompletionSource? Done, Compaction? Compact = null, Task? After = null, byte[]? Json = null, bool Barrier = false,
        bool Deferred = false, Action? Flushed = null);

    /// <summary>One user's index: the packed offset and length of each committed line, sequence <see cref="First"/> + i at index i.</summary>
    private sealed class UserLog
    {
        public List<long> Lines = [];

        /// <summary>The sequence of <see cref="Lines"/>[0]: 1 until a compaction dropped older events.</summary>
        public ulong First = 1;

        public ulong Assigned;
        public ulong Committed;
        public bool Woken;
        public TaskCompletionSource Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _deferredFlush.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
        _reader.Dispose();
        _retiredReader?.Dispose();
    }

    private static byte[] Serialize(UserEvent? e) => JsonSerializer.SerializeToUtf8Bytes(e!, UserEventJson.Default.UserEvent);
}
