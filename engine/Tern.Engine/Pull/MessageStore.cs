using System.Globalization;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>
/// The recipient's own message store: blobs this node pulled for its users, kept apart from the transit store (which
/// holds what this node sends and pays for). Plain files, one directory per recipient hash:
/// <c>messages/&lt;hash&gt;/&lt;capability&gt;.partial</c> while a large blob's fetch runs (a resumed fetch appends to it;
/// a small blob, which rides whole in its commit record, is fetched in memory and has none), <c>.meta</c> and
/// <c>.blob</c> once verified, and one commit log, <c>messages/commits.log</c>. A message is committed when its record in
/// the commit log is durable: a small blob rides whole in the record, a large one is flushed first. That one write is the
/// commit's only wait on the disk for a small message, and the message is readable from then on (from memory, and a
/// large one from its partial file, until it is named); the <c>.meta</c> and the <c>.blob</c> (a small blob written from
/// memory, a large one's partial renamed) follow without a wait, after the user is told, and a checkpoint makes them
/// durable in groups before it drops the records. Opening the store replays the log and redoes what a crash cut
/// (docs/ARCHITECTURE.md §5.2).
/// </summary>
public sealed partial class MessageStore : IDisposable
{
    /// <summary>The layout marker in <c>messages/</c>; a store without one is of the layout before the commit log, which this one reads as it is.</summary>
    public const string FormatFileName = "format";

    private const string FormatCommitLog = "commit-log 1";

    private readonly string _root;
    private readonly bool _durable;
    private readonly TimeProvider _time;
    private readonly MessageStoreOptions _options;
    private readonly MessageCommitLog _log;
    private readonly ITimer _checkpointTimer;
    private readonly FetchedBlobs _fetched = new();

    /// <summary>Opens (creating) the store under <see cref="MessageStoreOptions.DataDirectory"/>, redoing what a crash cut.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="InvalidDataException">The store is of a layout this version does not know.</exception>
    public MessageStore(MessageStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _root = Path.Combine(options.DataDirectory, "messages");
        _durable = options.Durable;
        _time = timeProvider ?? TimeProvider.System;
        if (!Directory.Exists(_root))
        {
            Directory.CreateDirectory(_root);
            FlushDirectory(options.DataDirectory);
        }

        CheckFormat();
        _log = Recover();
        _checkpointTimer = _time.CreateTimer(_ => StartCheckpoint(force: true), null, options.CheckpointInterval, options.CheckpointInterval);
    }

    /// <summary>
    /// Called with each message about to be committed (not with one already stored), on the committing thread, before its
    /// commit record is written, with a task that completes once the message is durable and readable, before it is named
    /// (or faults with the commit's error). The task's continuations run on the committing thread (a pool thread, neither
    /// the socket engine's nor the commit log's) when it completes: the event log's writer publishes the line there, with
    /// no hop to another thread between the record's write and the user's stream. What it returns is kept in the commit
    /// record and handed back by <see cref="RecoveredCommits"/> after a crash that cut the commit's aftermath. The client
    /// API appends its users' <c>pulled</c> event here and returns the event's line: the event becomes readable when the
    /// task completes, without a flush of its own, since a crash that loses its line finds it in the record
    /// (docs/ARCHITECTURE.md §5.2). Defaults to none.
    /// </summary>
    public Func<StoredMessage, Task, ReadOnlyMemory<byte>>? Committed { get; set; }

    /// <summary>
    /// Awaited by a checkpoint before it drops records that carry what <see cref="Committed"/> returned: the client API
    /// waits here until the event log has flushed every line appended so far. Defaults to none.
    /// </summary>
    public Func<Task>? BeforeCheckpoint { get; set; }

    /// <summary>Data-synchronous writes of the commit log since open (what the commit path pays).</summary>
    public long CommitLogWrites => _log.Writes;

    /// <summary>Fetches in memory whose checked bytes wait for their commit or a resumed fetch (tests).</summary>
    internal int FetchedInMemory => _fetched.Count;

    /// <summary>Whether the message is stored (verified and committed).</summary>
    /// <remarks>Memory first, then the file: a message leaves the memory only once renamed, so one of the two holds it.</remarks>
    public bool Contains(RecipientHash hash, FetchCapability capability) => TryUnnamed(hash, capability, out _) || File.Exists(PathOf(hash, capability, ".blob"));

    /// <summary>
    /// Opens the partial file of a fetch, checked chunk by chunk against <paramref name="verifier"/> as it is appended
    /// (docs/PROTOCOL.md §4.8). Bytes an earlier, interrupted fetch left in it are kept only once
    /// <see cref="PartialFileStream.VerifyKeptAsync"/> has checked them; the next fetch resumes after them with a range.
    /// A blob up to <see cref="MessageStoreOptions.InlineMaxBytes"/> is fetched in memory instead (no file opened or
    /// written: its commit record makes it durable), resuming from what an earlier fetch of it in this process checked;
    /// a partial file an earlier process left for it is resumed as above.
    /// </summary>
    public PartialFileStream OpenPartial(RecipientHash hash, FetchCapability capability, PayloadVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var directory = DirectoryOf(hash);
        if (!Directory.Exists(directory))
        {
            // The recipient's directory entry must survive a crash too, or every message stored in it is lost with it.
            Directory.CreateDirectory(directory);
            FlushDirectory(_root);
        }

        var path = PathOf(hash, capability, ".partial");
        if (verifier.Size <= _options.InlineMaxBytes && !File.Exists(path))
        {
            // The file would buy nothing: its open and its chunk's write (a hop to the pool) were on the path of every
            // small message, and the commit read its bytes back to put them in the record.
            var resumed = _fetched.TryTake(hash, capability, out var bytes, out var verified) && bytes.Length == verifier.Size;
            return new PartialFileStream(verifier, resumed ? bytes : new byte[verifier.Size], resumed ? verified : 0, _fetched, hash, capability);
        }

        return new PartialFileStream(path, verifier);
    }

    /// <summary>Deletes a partial fetch (its bytes did not verify), in memory or in its file.</summary>
    public void DiscardPartial(RecipientHash hash, FetchCapability capability)
    {
        _fetched.Drop(capability);
        File.Delete(PathOf(hash, capability, ".partial"));
    }

    /// <summary>
    /// Commits a verified partial fetch as a message (the caller has disposed the partial stream): a small blob (fetched in
    /// memory, or read back from a partial file an earlier process left) is written whole in the commit record; a large
    /// one is flushed, then recorded. Once the record is durable the message is listed and readable (from memory, a large
    /// one from its partial file) and the <see cref="Committed"/> hook's task completes; then the <c>.meta</c> is written
    /// and the <c>.blob</c> (from memory, or the partial renamed), neither flushed (the next checkpoint does, in a group,
    /// and names what a failed naming left). The task returned completes after the naming. A
    /// message already stored is returned as it is. The file work runs on the thread pool: a caller continuing from a
    /// socket read may be on the socket engine's event thread (docs/ARCHITECTURE.md §5.1), which must never wait on the
    /// disk, so a caller not on the pool is moved there first. <paramref name="durable"/> runs once the record is durable
    /// and before the message is listed (at once for a message already stored): a pull takes its pending reference away
    /// there, so no reader sees the message both stored and still to pull.
    /// </summary>
    public async Task<StoredMessage> CommitAsync(RecipientHash hash, FetchCapability capability, string senderDomain, long size, Bytes32 payloadHash, string mimeHint, Action? durable = null, CancellationToken cancellationToken = default)
    {
        // A pool thread may wait on the disk (the commit's aftermath does anyway), so only a caller elsewhere (the socket
        // engine's event thread) is moved: a trip through the pool's queue less for the pull, which calls from the pool.
        (StoredMessage Message, byte[]? Record, byte[]? Blob, TaskCompletionSource? Durable) prepared;
        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            cancellationToken.ThrowIfCancellationRequested();
            prepared = Prepare(hash, capability, senderDomain, size, payloadHash, mimeHint);
        }
        else
        {
            prepared = await Task.Run(() => Prepare(hash, capability, senderDomain, size, payloadHash, mimeHint), cancellationToken).ConfigureAwait(false);
        }

        if (prepared.Record is null)
        {
            // Stored already: durable and listed, so the caller's step is due now.
            durable?.Invoke();
            return prepared.Message;
        }

        bool holdsTooMuch;
        try
        {
            // The log's thread completes the write on the pool, not inline: what follows (the event log's write) must not
            // hold the next group commit.
            await _log.AppendAsync(prepared.Record).ConfigureAwait(false);
            durable?.Invoke();

            // Readable from here, and a checkpoint that takes the record names the message first.
            holdsTooMuch = Listed(prepared.Record, prepared.Message, prepared.Blob);
        }
        catch (Exception ex)
        {
            prepared.Durable?.TrySetException(ex);
            throw;
        }

        // The user is told now, on this thread (the hook's continuations run inline).
        if (prepared.Durable is { } told)
        {
            told.TrySetResult();

            // What the event queued on this thread (bob's stream woken) runs here next, before the pull's aftermath.
            await Task.Yield();
        }

        // Named by the checkpoint that settles the record (the .meta, and the .blob written or the partial renamed), so a
        // message its user deletes before then costs the file system nothing but the record of its delete; here only when
        // the small blobs waiting for it hold more than a checkpoint's worth of bytes.
        if (holdsTooMuch)
        {
            Name(capability);
        }

        StartCheckpoint(force: false);
        return prepared.Message;
    }

    /// <summary><see cref="CommitAsync"/>, waited for.</summary>
    public StoredMessage Commit(RecipientHash hash, FetchCapability capability, string senderDomain, long size, Bytes32 payloadHash, string mimeHint) =>
        CommitAsync(hash, capability, senderDomain, size, payloadHash, mimeHint).GetAwaiter().GetResult();

    /// <summary>The record of a commit about to be written (null for a message already stored), the blob when memory holds it, and the hook's task.</summary>
    private (StoredMessage Message, byte[]? Record, byte[]? Blob, TaskCompletionSource? Durable) Prepare(RecipientHash hash, FetchCapability capability, string senderDomain, long size, Bytes32 payloadHash, string mimeHint)
    {
        var blob = PathOf(hash, capability, ".blob");
        var metaPath = PathOf(hash, capability, ".meta");
        var message = new StoredMessage(hash, capability, senderDomain, size, payloadHash, mimeHint ?? "", _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (TryUnnamed(hash, capability, out var unnamed))
        {
            _fetched.Drop(capability);
            return (unnamed, null, null, null);
        }

        if (File.Exists(blob))
        {
            // Its .meta is part of a stored message: never rewrite it in place.
            _fetched.Drop(capability);
            return (File.Exists(metaPath) && TryParseMeta(hash, capability, File.ReadAllText(metaPath), out var stored) ? stored : message, null, null, null);
        }

        var partial = PathOf(hash, capability, ".partial");
        byte[] inline = [];
        byte[]? inMemory = null;
        if (_fetched.TryTake(hash, capability, out var fetched, out var verified))
        {
            // Fetched in memory: the record is built from those bytes, and reads answer from them until the naming.
            if (verified != size || fetched.Length != size)
            {
                throw new IOException($"The fetch of '{capability}' in memory holds {verified} checked bytes, not the {size} verified.");
            }

            inline = inMemory = fetched;
        }
        else if (size <= _options.InlineMaxBytes)
        {
            inline = File.ReadAllBytes(partial);
            if (inline.Length != size)
            {
                throw new IOException($"The partial file '{partial}' holds {inline.Length} bytes, not the {size} verified.");
            }
        }
        else if (_durable)
        {
            // Too large to ride in the record: on disk before the record says it is there.
            FlushFile(partial);
        }

        TaskCompletionSource? durable = null;
        ReadOnlyMemory<byte> annotation = default;
        if (Committed is { } committed)
        {
            // Continuations inline: completed outside every lock of the store, on the committing pool thread.
            durable = new TaskCompletionSource();
            try
            {
                annotation = committed(message, durable.Task);
            }
            catch (Exception ex)
            {
                durable.TrySetException(ex);
                throw;
            }
        }

        return (message, MessageCommitCodec.Committed(message, inline, annotation.Span), inMemory, durable);
    }

    /// <summary>
    /// Opens a stored blob for reading (a message not yet named from memory when it was fetched there, else through its
    /// partial file, which holds the same bytes).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such message is stored.</exception>
    public Stream OpenRead(RecipientHash hash, FetchCapability capability)
    {
        if (TryUnnamed(hash, capability, out _, out var inMemory))
        {
            if (inMemory is not null)
            {
                // The bytes never change: a reader goes on reading them after the naming, as a file's handle would.
                return new MemoryStream(inMemory, 0, inMemory.Length, writable: false, publiclyVisible: true);
            }

            try
            {
                // An open handle survives the rename, and a rename between the look and the open leaves the .blob.
                return new FileStream(PathOf(hash, capability, ".partial"), FileMode.Open, FileAccess.Read, FileShare.Read);
            }
            catch (FileNotFoundException)
            {
                // Named meanwhile.
            }
        }

        return new FileStream(PathOf(hash, capability, ".blob"), FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>
    /// Deletes a stored message: the <c>.blob</c> first (the message is gone once it is), then its <c>.meta</c>. The delete
    /// is made durable by a flush of the directory, or, for a message whose commit record is still in the commit log (a
    /// replay would bring it back), by a deleted record written there first, which the next checkpoint settles with the
    /// directory's flush: one wait either way. False when no such message was stored.
    /// </summary>
    public bool Delete(RecipientHash hash, FetchCapability capability)
    {
        if (TryDeleteUnnamed(hash, capability))
        {
            return true;
        }

        var blob = PathOf(hash, capability, ".blob");
        if (!File.Exists(blob))
        {
            return false;
        }

        var recorded = InCommitLog(capability);
        if (recorded)
        {
            var record = MessageCommitCodec.Deleted(hash, capability);
            _log.AppendAsync(record).GetAwaiter().GetResult();
            Recorded(record, capability, hash, null);
        }

        File.Delete(blob);
        File.Delete(PathOf(hash, capability, ".meta"));
        if (!recorded)
        {
            FlushDirectory(DirectoryOf(hash));
        }

        return true;
    }

    /// <summary>The stored messages of <paramref name="hash"/>.</summary>
    public IReadOnlyList<StoredMessage> List(RecipientHash hash)
    {
        // Memory before the files: one named meanwhile is in both (and listed once), never in neither.
        var unnamed = UnnamedOf(hash);
        var messages = unnamed ?? [];
        var directory = DirectoryOf(hash);
        if (!Directory.Exists(directory))
        {
            return messages;
        }

        foreach (var blob in Directory.EnumerateFiles(directory, "*.blob"))
        {
            var name = Path.GetFileNameWithoutExtension(blob);
            var meta = Path.ChangeExtension(blob, ".meta");
            if (FetchCapability.TryParse(name, out var capability) && !Holds(unnamed, capability)
                && File.Exists(meta) && TryParseMeta(hash, capability, File.ReadAllText(meta), out var message))
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    /// <summary>
    /// The capabilities of <paramref name="hash"/>'s stored messages, from the names of their <c>.blob</c> files alone (no
    /// metadata read): what an index kept beside the store checks itself against after a restart.
    /// </summary>
    public IReadOnlyList<FetchCapability> StoredCapabilities(RecipientHash hash)
    {
        // Memory before the files, as List does.
        var unnamed = UnnamedOf(hash);
        var capabilities = unnamed?.ConvertAll(m => m.Capability) ?? [];
        var directory = DirectoryOf(hash);
        if (!Directory.Exists(directory))
        {
            return capabilities;
        }

        var before = capabilities.Count;
        foreach (var blob in Directory.EnumerateFiles(directory, "*.blob"))
        {
            if (FetchCapability.TryParse(Path.GetFileNameWithoutExtension(blob), out var capability) && capabilities.IndexOf(capability, 0, before) < 0)
            {
                capabilities.Add(capability);
            }
        }

        return capabilities;
    }

    /// <summary>One stored message's metadata; false when it is not stored (or its <c>.meta</c> is unreadable).</summary>
    public bool TryGet(RecipientHash hash, FetchCapability capability, out StoredMessage message)
    {
        if (TryUnnamed(hash, capability, out message))
        {
            return true;
        }

        try
        {
            return File.Exists(PathOf(hash, capability, ".blob")) && TryParseMeta(hash, capability, File.ReadAllText(PathOf(hash, capability, ".meta")), out message);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted between the two looks.
            return false;
        }
    }

    private static bool Holds(List<StoredMessage>? messages, FetchCapability capability)
    {
        if (messages is not null)
        {
            foreach (var message in messages)
            {
                if (message.Capability == capability)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void WriteMeta(string path, StoredMessage message, bool flush)
    {
        using var meta = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        meta.Write(Encoding.UTF8.GetBytes(FormatMeta(message)));
        meta.Flush(flushToDisk: flush && _durable);
    }

    private static void FlushFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
        file.Flush(flushToDisk: true);
    }

    private void FlushDirectory(string directory)
    {
        if (_durable)
        {
            DirectorySync.Flush(directory);
        }
    }

    private static string FormatMeta(StoredMessage m) => string.Create(
        CultureInfo.InvariantCulture,
        $"v=1\nsender={m.SenderDomain}\nsize={m.Size}\nhash={m.PayloadHash}\nmime={m.MimeHint}\nstored={m.StoredAtMs}\n");

    private static bool TryParseMeta(RecipientHash hash, FetchCapability capability, string text, out StoredMessage message)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[line[..eq]] = line[(eq + 1)..];
            }
        }

        message = null!;
        if (!fields.TryGetValue("sender", out var sender) || !fields.TryGetValue("size", out var size) || !fields.TryGetValue("hash", out var payloadHash)
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || !Bytes32.TryParse(payloadHash, out var parsedHash))
        {
            return false;
        }

        fields.TryGetValue("mime", out var mime);
        fields.TryGetValue("stored", out var stored);
        long.TryParse(stored, NumberStyles.None, CultureInfo.InvariantCulture, out var storedAt);
        message = new StoredMessage(hash, capability, sender, length, parsedHash, mime ?? "", storedAt);
        return true;
    }

    private string DirectoryOf(RecipientHash hash) => Path.Combine(_root, hash.ToString());

    private string PathOf(RecipientHash hash, FetchCapability capability, string extension) => Path.Combine(DirectoryOf(hash), capability.ToString() + extension);
}
