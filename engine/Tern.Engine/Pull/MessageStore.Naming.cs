using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

public sealed partial class MessageStore
{
    /// <summary>
    /// Messages committed (their record durable, their pending reference gone) whose <c>.meta</c> and <c>.blob</c> are not
    /// in place yet, by capability: every read answers from here until the checkpoint that settles their records names
    /// them, so the user is told as soon as the record is durable and a message deleted before then never has files. A
    /// small blob fetched in memory is here with its bytes (a copy rides in the record), which the naming writes to the
    /// <c>.blob</c>; any other's bytes are whole in the <c>.partial</c> (verified, closed), which the naming renames. The
    /// bytes held are bounded by the records a checkpoint waits for (<see cref="MessageStoreOptions.CheckpointBytes"/>,
    /// 1 MiB, or <see cref="MessageStoreOptions.CheckpointInterval"/>, 1 s, whichever comes first).
    /// </summary>
    private readonly Dictionary<FetchCapability, (StoredMessage Message, byte[]? Blob)> _unnamed = [];

    /// <summary>The bytes of the small blobs <see cref="_unnamed"/> holds.</summary>
    private long _unnamedBytes;

    /// <summary>Held by whoever names a message or deletes one still unnamed, so the two never cross.</summary>
    private readonly object _naming = new();

    /// <summary>Awaited by a checkpoint before it names the messages it settles: tests hold the naming there. Defaults to none.</summary>
    internal Func<Task>? BeforeNaming { get; set; }

    /// <summary>Messages committed and not yet named (tests, reports).</summary>
    internal int Unnamed
    {
        get
        {
            lock (_gate)
            {
                return _unnamed.Count;
            }
        }
    }

    /// <summary>
    /// A commit record is durable: the message is listed (read from memory until named) and its record is one for the next
    /// checkpoint to settle, in one step, so no checkpoint sees the record without the message it must name first.
    /// Answers whether the small blobs held unnamed now pass <see cref="MessageStoreOptions.CheckpointBytes"/>: a
    /// checkpoint that runs long (seconds under a campaign's pulls) lets them gather, and past that bound each commit names
    /// its own message.
    /// </summary>
    private bool Listed(byte[] record, StoredMessage message, byte[]? blob)
    {
        bool holdsTooMuch;
        lock (_gate)
        {
            _unnamed[message.Capability] = (message, blob);
            _unnamedBytes += blob?.Length ?? 0;
            holdsTooMuch = _unnamedBytes > _options.CheckpointBytes;
        }

        Recorded(record, message.Capability, message.RecipientHash, message);
        return holdsTooMuch;
    }

    /// <summary>Takes <paramref name="capability"/> out of the messages not yet named; under the store's gate.</summary>
    private void RemoveUnnamedLocked(FetchCapability capability)
    {
        if (_unnamed.Remove(capability, out var removed))
        {
            _unnamedBytes -= removed.Blob?.Length ?? 0;
        }
    }

    /// <summary>The message committed and not yet named of <paramref name="hash"/> with <paramref name="capability"/>, if any.</summary>
    private bool TryUnnamed(RecipientHash hash, FetchCapability capability, out StoredMessage message) => TryUnnamed(hash, capability, out message, out _);

    /// <summary>The same, with its bytes when memory holds them (null when its partial file does).</summary>
    private bool TryUnnamed(RecipientHash hash, FetchCapability capability, out StoredMessage message, out byte[]? blob)
    {
        lock (_gate)
        {
            if (_unnamed.TryGetValue(capability, out var unnamed) && unnamed.Message.RecipientHash == hash)
            {
                (message, blob) = unnamed;
                return true;
            }
        }

        (message, blob) = (null!, null);
        return false;
    }

    /// <summary>The messages of <paramref name="hash"/> committed and not yet named (empty mostly, and then no allocation).</summary>
    private List<StoredMessage>? UnnamedOf(RecipientHash hash)
    {
        List<StoredMessage>? messages = null;
        lock (_gate)
        {
            foreach (var (message, _) in _unnamed.Values)
            {
                if (message.RecipientHash == hash)
                {
                    (messages ??= []).Add(message);
                }
            }
        }

        return messages;
    }

    /// <summary>
    /// Names every message committed and not yet named, as a checkpoint names those of the records it settles before its
    /// flushes: the tests' way to the state a kill inside a checkpoint's naming leaves.
    /// </summary>
    internal void NameAll()
    {
        List<FetchCapability> capabilities;
        lock (_gate)
        {
            capabilities = [.. _unnamed.Keys];
        }

        foreach (var capability in capabilities)
        {
            Name(capability);
        }
    }

    /// <summary>
    /// Writes the <c>.meta</c> of a message committed and not yet named, then its <c>.blob</c> from memory or by renaming
    /// its partial, neither flushed (the checkpoint that drops its record flushes them). It leaves the memory only once
    /// its <c>.blob</c> is whole, so a reader that looks there first and then at the files never misses it nor reads it
    /// half written (a crash that tears it is redone from the record). Nothing to do when it is named or deleted already:
    /// the commit and a checkpoint may both come here.
    /// </summary>
    private void Name(FetchCapability capability)
    {
        lock (_naming)
        {
            (StoredMessage Message, byte[]? Blob) unnamed;
            lock (_gate)
            {
                if (!_unnamed.TryGetValue(capability, out unnamed))
                {
                    return;
                }
            }

            var (message, blob) = unnamed;
            var hash = message.RecipientHash;
            WriteMeta(PathOf(hash, capability, ".meta"), message, flush: false);
            if (blob is not null)
            {
                File.WriteAllBytes(PathOf(hash, capability, ".blob"), blob);
            }
            else
            {
                File.Move(PathOf(hash, capability, ".partial"), PathOf(hash, capability, ".blob"), overwrite: true);
            }

            lock (_gate)
            {
                RemoveUnnamedLocked(capability);
            }
        }
    }

    /// <summary>
    /// Deletes a message committed and not yet named (false when it is not one): a deleted record after its commit record
    /// (its record is in the log until a checkpoint settles both), then its partial file (and what a naming that failed
    /// half way left).
    /// </summary>
    private bool TryDeleteUnnamed(RecipientHash hash, FetchCapability capability)
    {
        lock (_naming)
        {
            if (!TryUnnamed(hash, capability, out _))
            {
                return false;
            }

            var record = MessageCommitCodec.Deleted(hash, capability);
            _log.AppendAsync(record).GetAwaiter().GetResult();
            lock (_gate)
            {
                RemoveUnnamedLocked(capability);
            }

            Recorded(record, capability, hash, null);
            File.Delete(PathOf(hash, capability, ".partial"));
            File.Delete(PathOf(hash, capability, ".blob"));
            File.Delete(PathOf(hash, capability, ".meta"));
            return true;
        }
    }
}
