using System.Diagnostics;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// Present while the table is open: written at open, removed once the closing checkpoint is on disk. Found at open, it
    /// says the last run ended without that checkpoint (a crash, <c>kill -9</c>, a power loss).
    /// </summary>
    private const string OpenMarkerFile = "open.marker";

    /// <summary>
    /// After a crash: moves each recovered recipient hash's references, in their order, to sequences from the sequence
    /// floor up. Sequences handed out after the last checkpoint were lost with the crash, and the recovered state of
    /// their hash would hand them out again, to the references the senders' retransmissions file anew and to new ones: a
    /// client whose cursor had passed them would never list those (docs/ARCHITECTURE.md §3.5). The floor comes from the
    /// clock (ms × 65536, as a new hash's first sequence), above every sequence handed out before the crash, so every
    /// reference filed from now on lands after any cursor a client holds. A client polling on lists the moved references
    /// once more, which an insert idempotent by capability makes harmless (docs/PROTOCOL.md §4.5). Runs in the
    /// constructor, before anything else uses the table; costs a read, a write and a delete per live reference.
    /// </summary>
    private void RenumberAfterCrash()
    {
        var started = Stopwatch.GetTimestamp();
        var floor = (ulong)Interlocked.Read(ref _sequenceFloor);
        var hashes = LiveRecipientHashes();
        var moved = 0L;
        var session = _sessions.Rent();
        try
        {
            Span<int> lengths = stackalloc int[PendingSession.RefWindow];
            var references = new List<(ulong Sequence, byte[] Value)>();
            foreach (var recipient in hashes)
            {
                var hash = recipient.Value;
                if (!session.TryReadRecipient(ref hash, out var state))
                {
                    continue;
                }

                references.Clear();
                for (var sequence = state.FirstSequence; sequence < state.NextSequence;)
                {
                    var window = (int)Math.Min((ulong)PendingSession.RefWindow, state.NextSequence - sequence);
                    var read = lengths[..window];
                    session.ReadRefs(ref hash, sequence, read);
                    for (var i = 0; i < window; i++)
                    {
                        if (read[i] >= 0)
                        {
                            references.Add((sequence + (ulong)i, session.WindowValue(i, read[i]).ToArray()));
                        }
                    }

                    sequence += (ulong)window;
                }

                // Never below the recovered state's own range, should the clock have gone back.
                var first = Math.Max(floor, state.NextSequence);
                for (var i = 0; i < references.Count; i++)
                {
                    var (old, value) = references[i];
                    var target = new RefKey(hash, first + (ulong)i);
                    value.CopyTo(session.EncodeBuffer);
                    session.WriteRef(ref target, value.Length);
                    var previous = new RefKey(hash, old);
                    session.DeleteRef(ref previous);

                    // The capability's entry names the reference's sequence (removals and hand-overs find it by it).
                    var capability = new Bytes32(value.AsSpan(0, Bytes32.Size));
                    if (session.TryReadCapability(ref capability, out var entry) && !entry.IsTombstone && entry.Sequence == old)
                    {
                        entry.Sequence = target.Sequence;
                        session.WriteCapability(ref capability, ref entry);
                    }
                }

                if (references.Count == 0)
                {
                    RaiseSequenceFloor(state.NextSequence);
                    session.DeleteRecipient(ref hash);
                    continue;
                }

                state.FirstSequence = first;
                state.NextSequence = first + (ulong)references.Count;
                state.Count = references.Count;
                session.WriteRecipient(ref hash, ref state);
                moved += references.Count;
            }
        }
        finally
        {
            _sessions.Return(session);
        }

        PendingLogMessages.Renumbered(_logger, moved, hashes.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Whether the last run left its marker (it ended without its closing checkpoint); then writes the marker for this run.</summary>
    private bool MarkOpen()
    {
        var path = Path.Combine(_directory, OpenMarkerFile);
        var crashed = File.Exists(path);
        if (!crashed)
        {
            AtomicFile.Write(path, []);
        }

        return crashed;
    }

    /// <summary>Removes the marker once the closing checkpoint is on disk: the next open finds a table that closed whole.</summary>
    private void MarkClosed()
    {
        File.Delete(Path.Combine(_directory, OpenMarkerFile));
        DirectorySync.Flush(_directory);
    }
}
