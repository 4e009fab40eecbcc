using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

public sealed partial class MessageStore
{
    /// <summary>
    /// Messages committed (their record durable, their pending reference gone) whose <c>.meta</c> and <c>.blob</c> are not
    /// in place yet, by capability: every read answers from here until the naming is done, so the user is told as soon as
    /// the record is durable. Their bytes are whole in the <c>.partial</c> (verified, closed; a small blob's copy rides in
    /// the record too), which the naming renames.
    /// </summary>
    private readonly Dictionary<FetchCapability, StoredMessage> _unnamed = [];

    /// <summary>Held by whoever names a message or deletes one still unnamed, so the two never cross.</summary>
    private readonly object _naming = new();

    /// <summary>Awaited after the commit's hook task completed and before its naming: tests hold the naming there. Defaults to none.</summary>
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
    /// </summary>
    private void Listed(byte[] record, StoredMessage message)
    {
        lock (_gate)
        {
            _unnamed[message.Capability] = message;
        }

        Recorded(record, message.Capability, message.RecipientHash, message);
    }

    /// <summary>The message committed and not yet named of <paramref name="hash"/> with <paramref name="capability"/>, if any.</summary>
    private bool TryUnnamed(RecipientHash hash, FetchCapability capability, out StoredMessage message)
    {
        lock (_gate)
        {
            if (_unnamed.TryGetValue(capability, out message!) && message.RecipientHash == hash)
            {
                return true;
            }
        }

        message = null!;
        return false;
    }

    /// <summary>The messages of <paramref name="hash"/> committed and not yet named (empty mostly, and then no allocation).</summary>
    private List<StoredMessage>? UnnamedOf(RecipientHash hash)
    {
        List<StoredMessage>? messages = null;
        lock (_gate)
        {
            foreach (var message in _unnamed.Values)
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
    /// Writes the <c>.meta</c> of a message committed and not yet named and renames its partial to <c>.blob</c>, neither
    /// flushed (the checkpoint that drops its record flushes them). It leaves the memory only after the rename, so a reader
    /// that looks there first and then at the files never misses it. Nothing to do when it is named or deleted already:
    /// the commit and a checkpoint may both come here.
    /// </summary>
    private void Name(FetchCapability capability)
    {
        lock (_naming)
        {
            StoredMessage? message;
            lock (_gate)
            {
                if (!_unnamed.TryGetValue(capability, out message))
                {
                    return;
                }
            }

            var hash = message.RecipientHash;
            WriteMeta(PathOf(hash, capability, ".meta"), message, flush: false);
            File.Move(PathOf(hash, capability, ".partial"), PathOf(hash, capability, ".blob"), overwrite: true);
            lock (_gate)
            {
                _unnamed.Remove(capability);
            }
        }
    }

    /// <summary>
    /// Deletes a message committed and not yet named (false when it is not one): a deleted record after its commit record
    /// (its record is in the log until a checkpoint settles both), then its partial file.
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
                _unnamed.Remove(capability);
            }

            Recorded(record, capability, hash, null);
            File.Delete(PathOf(hash, capability, ".partial"));
            File.Delete(PathOf(hash, capability, ".meta"));
            return true;
        }
    }
}
