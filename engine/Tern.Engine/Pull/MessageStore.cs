using System.Globalization;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>
/// The recipient's own message store: blobs this node pulled for its users, kept apart from the transit store (which
/// holds what this node sends and pays for). Plain files, one directory per recipient hash:
/// <c>messages/&lt;hash&gt;/&lt;capability&gt;.partial</c> while a fetch runs (a resumed fetch appends to it),
/// <c>.meta</c> and <c>.blob</c> once verified. A message exists when its <c>.blob</c> does: the <c>.meta</c> is written,
/// it and the partial file are flushed together, and only then is the partial renamed to <c>.blob</c> and the directory
/// flushed (docs/ARCHITECTURE.md §5).
/// </summary>
public sealed class MessageStore
{
    private readonly string _root;
    private readonly bool _durable;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating) the store under <see cref="MessageStoreOptions.DataDirectory"/>.</summary>
    public MessageStore(MessageStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.DataDirectory, "MessageStoreOptions.DataDirectory");
        _root = Path.Combine(options.DataDirectory, "messages");
        _durable = options.Durable;
        _time = timeProvider ?? TimeProvider.System;
        if (!Directory.Exists(_root))
        {
            Directory.CreateDirectory(_root);
            FlushDirectory(options.DataDirectory);
        }
    }

    /// <summary>
    /// Called with each message newly committed (not with one already stored), on the committing thread, once its
    /// <c>.blob</c> is named and before the directory flush that makes the name durable, with a task that completes when
    /// that flush has (or faults with its error). The client API appends its users' <c>pulled</c> events here: the event
    /// log's flush then runs beside the directory's instead of after it, and the log makes the event readable only once
    /// the task has completed (docs/ARCHITECTURE.md §5.2). Defaults to none.
    /// </summary>
    public Action<StoredMessage, Task>? Committed { get; set; }

    /// <summary>Whether the message is stored (verified and committed).</summary>
    public bool Contains(RecipientHash hash, FetchCapability capability) => File.Exists(PathOf(hash, capability, ".blob"));

    /// <summary>
    /// Opens the partial file of a fetch, checked chunk by chunk against <paramref name="verifier"/> as it is appended
    /// (docs/PROTOCOL.md §4.8). Bytes an earlier, interrupted fetch left in it are kept only once
    /// <see cref="PartialFileStream.VerifyKeptAsync"/> has checked them; the next fetch resumes after them with a range.
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

        return new PartialFileStream(PathOf(hash, capability, ".partial"), verifier);
    }

    /// <summary>Deletes a partial fetch (its bytes did not verify).</summary>
    public void DiscardPartial(RecipientHash hash, FetchCapability capability) => File.Delete(PathOf(hash, capability, ".partial"));

    /// <summary>
    /// <see cref="Commit"/> on the thread pool. The commit blocks on fsyncs; a caller continuing from a socket read may
    /// be on the socket engine's event thread (inline completions, docs/ARCHITECTURE.md §5.1), which must never wait
    /// on the disk.
    /// </summary>
    public Task<StoredMessage> CommitAsync(RecipientHash hash, FetchCapability capability, string senderDomain, long size, Bytes32 payloadHash, string mimeHint, CancellationToken cancellationToken = default) =>
        Task.Run(() => Commit(hash, capability, senderDomain, size, payloadHash, mimeHint), cancellationToken);

    /// <summary>
    /// Commits a verified partial file as a message: writes the metadata, flushes it and the partial file to disk
    /// together, renames the partial to <c>.blob</c> and flushes the directory. The caller has disposed the partial
    /// stream. A message already stored is returned as it is.
    /// </summary>
    public StoredMessage Commit(RecipientHash hash, FetchCapability capability, string senderDomain, long size, Bytes32 payloadHash, string mimeHint)
    {
        var message = new StoredMessage(hash, capability, senderDomain, size, payloadHash, mimeHint ?? "", _time.GetUtcNow().ToUnixTimeMilliseconds());
        var blob = PathOf(hash, capability, ".blob");
        var metaPath = PathOf(hash, capability, ".meta");
        if (File.Exists(blob))
        {
            // Its .meta is part of a stored message: never rewrite it in place.
            return File.Exists(metaPath) && TryParseMeta(hash, capability, File.ReadAllText(metaPath), out var stored) ? stored : message;
        }

        var partial = PathOf(hash, capability, ".partial");

        // The .meta is written in place, not renamed: without a .blob beside it, it is not a message and the next
        // commit rewrites it. Both files reach the disk before the rename, and their two flushes run concurrently, so
        // they cost about one flush (the file system batches them) instead of two in a row.
        var writeMeta = () => WriteMeta(metaPath, message);
        if (_durable)
        {
            try
            {
                Parallel.Invoke(() => FlushFile(partial), writeMeta);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }
        }
        else
        {
            writeMeta();
        }

        File.Move(partial, blob, overwrite: true);
        var committed = Committed;
        if (committed is null)
        {
            FlushDirectory(DirectoryOf(hash));
            return message;
        }

        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            committed(message, durable.Task);
        }
        catch
        {
            // The name is durable whatever the hook did.
            FlushDirectory(DirectoryOf(hash), durable);
            throw;
        }

        FlushDirectory(DirectoryOf(hash), durable);
        return message;
    }

    /// <summary>Flushes <paramref name="directory"/> and tells <paramref name="done"/> how it went.</summary>
    private void FlushDirectory(string directory, TaskCompletionSource done)
    {
        try
        {
            FlushDirectory(directory);
            done.TrySetResult();
        }
        catch (Exception ex)
        {
            done.TrySetException(ex);
            throw;
        }
    }

    /// <summary>Opens a stored blob for reading.</summary>
    public FileStream OpenRead(RecipientHash hash, FetchCapability capability) => new(PathOf(hash, capability, ".blob"), FileMode.Open, FileAccess.Read, FileShare.Read);

    /// <summary>
    /// Deletes a stored message: the <c>.blob</c> first (the message is gone once it is), then its <c>.meta</c>, then the
    /// directory is flushed so the deletion survives a crash. False when no such message was stored.
    /// </summary>
    public bool Delete(RecipientHash hash, FetchCapability capability)
    {
        var blob = PathOf(hash, capability, ".blob");
        if (!File.Exists(blob))
        {
            return false;
        }

        File.Delete(blob);
        File.Delete(PathOf(hash, capability, ".meta"));
        FlushDirectory(DirectoryOf(hash));
        return true;
    }

    /// <summary>The stored messages of <paramref name="hash"/>.</summary>
    public IReadOnlyList<StoredMessage> List(RecipientHash hash)
    {
        var directory = DirectoryOf(hash);
        var messages = new List<StoredMessage>();
        if (!Directory.Exists(directory))
        {
            return messages;
        }

        foreach (var blob in Directory.EnumerateFiles(directory, "*.blob"))
        {
            var name = Path.GetFileNameWithoutExtension(blob);
            var meta = Path.ChangeExtension(blob, ".meta");
            if (FetchCapability.TryParse(name, out var capability) && File.Exists(meta) && TryParseMeta(hash, capability, File.ReadAllText(meta), out var message))
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
        var directory = DirectoryOf(hash);
        var capabilities = new List<FetchCapability>();
        if (!Directory.Exists(directory))
        {
            return capabilities;
        }

        foreach (var blob in Directory.EnumerateFiles(directory, "*.blob"))
        {
            if (FetchCapability.TryParse(Path.GetFileNameWithoutExtension(blob), out var capability))
            {
                capabilities.Add(capability);
            }
        }

        return capabilities;
    }

    /// <summary>One stored message's metadata; false when it is not stored (or its <c>.meta</c> is unreadable).</summary>
    public bool TryGet(RecipientHash hash, FetchCapability capability, out StoredMessage message)
    {
        message = null!;
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

    private void WriteMeta(string path, StoredMessage message)
    {
        using var meta = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        meta.Write(Encoding.UTF8.GetBytes(FormatMeta(message)));
        meta.Flush(flushToDisk: _durable);
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
