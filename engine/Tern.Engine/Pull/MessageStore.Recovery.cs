using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>A commit the last run recorded and whose aftermath a crash may have cut, with what the committed hook kept in its record.</summary>
/// <param name="Message">The message committed.</param>
/// <param name="Annotation">What <see cref="MessageStore.Committed"/> returned for it.</param>
/// <param name="Deleted">Whether it was deleted since (its files are gone; its commit happened all the same).</param>
public sealed record RecoveredCommit(StoredMessage Message, ReadOnlyMemory<byte> Annotation, bool Deleted);

public sealed partial class MessageStore
{
    private readonly List<byte[]> _held = [];
    private List<RecoveredCommit> _recovered = [];
    private bool _recoveredReleased;

    /// <summary>
    /// The commits found in the commit log at open whose record carried what <see cref="Committed"/> returned (the client
    /// API's <c>pulled</c> event): the records stay in the log until <see cref="ReleaseRecovered"/>, so a crash before the
    /// owner of that data has taken it in finds them again.
    /// </summary>
    public IReadOnlyList<RecoveredCommit> RecoveredCommits
    {
        get
        {
            lock (_gate)
            {
                return _recovered;
            }
        }
    }

    /// <summary>The recovered commits have been taken in: the next checkpoint (after <see cref="BeforeCheckpoint"/>) drops their records.</summary>
    public void ReleaseRecovered()
    {
        lock (_gate)
        {
            _recoveredReleased = true;
            _recovered = [];
        }
    }

    private void CheckFormat()
    {
        var path = Path.Combine(_root, FormatFileName);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (text != FormatCommitLog)
            {
                throw new InvalidDataException($"The message store '{_root}' is of layout '{text}', which this version does not read (it reads '{FormatCommitLog}').");
            }

            return;
        }

        // A store of the layout before the commit log: its messages are whole files, which this layout keeps as they are.
        if (_durable)
        {
            AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes(FormatCommitLog + "\n"));
        }
        else
        {
            File.WriteAllText(path, FormatCommitLog + "\n");
        }
    }

    /// <summary>
    /// Replays the commit log and finishes what a crash cut: a committed message without its <c>.blob</c> is written from
    /// its record (a small one) or named from its flushed partial file (a large one), its <c>.meta</c> written again, a
    /// deleted one's files removed; all of it flushed, then the log rewritten with only the records whose hook data is
    /// still to be taken (<see cref="RecoveredCommits"/>).
    /// </summary>
    private MessageCommitLog Recover()
    {
        var records = MessageCommitLog.Replay(_root);
        var last = new Dictionary<FetchCapability, (MessageCommitRecord? Commit, bool Deleted)>();
        var order = new List<FetchCapability>();
        foreach (var record in records)
        {
            if (!last.TryGetValue(record.Capability, out var state))
            {
                order.Add(record.Capability);
            }

            last[record.Capability] = record.Message is null ? (state.Commit, true) : (record, false);
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        var keep = new List<byte[]>();
        foreach (var capability in order)
        {
            var (commit, deleted) = last[capability];
            var hash = commit?.Hash ?? records.Find(r => r.Capability == capability)!.Hash;
            if (deleted)
            {
                File.Delete(PathOf(hash, capability, ".blob"));
                File.Delete(PathOf(hash, capability, ".meta"));

                // One deleted before it was named leaves its bytes under the partial's name.
                File.Delete(PathOf(hash, capability, ".partial"));
                directories.Add(DirectoryOf(hash));
            }
            else if (!Redo(commit!, directories))
            {
                continue;
            }

            if (commit is { Annotation.Length: > 0 } kept)
            {
                // Without its blob: the files are durable before this log replaces the old one.
                var message = kept.Message!;
                _recovered.Add(new RecoveredCommit(message, kept.Annotation, deleted));
                var committed = MessageCommitCodec.Committed(message, [], kept.Annotation.Span);
                keep.Add(committed);
                _held.Add(committed);
                if (deleted)
                {
                    var tombstone = MessageCommitCodec.Deleted(hash, capability);
                    keep.Add(tombstone);
                    _held.Add(tombstone);
                }
            }
        }

        foreach (var directory in directories)
        {
            if (Directory.Exists(directory))
            {
                FlushDirectory(directory);
            }
        }

        return MessageCommitLog.Create(_root, keep, _durable, _options.ZeroAheadBytes);
    }

    /// <summary>Puts a committed message's files in place and flushes them; false when it cannot be (nothing to name).</summary>
    private bool Redo(MessageCommitRecord commit, HashSet<string> directories)
    {
        var message = commit.Message!;
        var blob = PathOf(message.RecipientHash, message.Capability, ".blob");
        var partial = PathOf(message.RecipientHash, message.Capability, ".partial");
        var metaPath = PathOf(message.RecipientHash, message.Capability, ".meta");
        Directory.CreateDirectory(DirectoryOf(message.RecipientHash));
        var inline = commit.Inline.Length == message.Size;

        // A power cut can keep the rename and lose the page-cache bytes under it: a blob the record holds is checked.
        if (!File.Exists(blob) || (inline && !File.ReadAllBytes(blob).AsSpan().SequenceEqual(commit.Inline.Span)))
        {
            if (inline)
            {
                // The record holds the blob: whatever the partial file holds (a crash may have cut its write-back) is replaced.
                using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1))
                {
                    file.Write(commit.Inline.Span);
                    file.Flush(flushToDisk: _durable);
                }
            }
            else if (!File.Exists(partial) || new FileInfo(partial).Length != message.Size)
            {
                // A large blob is flushed before its record is written, so this is not a crash's doing; nothing to name.
                return false;
            }

            File.Move(partial, blob, overwrite: true);
        }
        else if (_durable)
        {
            FlushFile(blob);
        }

        WriteMeta(metaPath, message, flush: true);
        directories.Add(DirectoryOf(message.RecipientHash));
        return true;
    }
}
