using System.Buffers.Binary;
using System.Diagnostics;
using FASTER.core;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    private const uint CountersMagic = 0x54504354; // "TPCT"

    /// <summary>
    /// Checkpoints the three stores and the counters at one instant: operations wait while the checkpoint runs
    /// (fold-over: the in-memory logs are flushed, so the pause grows with the log memory sizes).
    /// Recovery on open restores this state; later inserts come back through the senders' retransmissions. A table nothing
    /// was written to since it opened or since its last checkpoint is already on disk as it stands, and is not written
    /// again: a full checkpoint writes every hash index whole (1.1 GiB at the default sizes, tens of seconds on a busy
    /// disk), which held up the stop of a node that had received nothing.
    /// </summary>
    public Task TakeCheckpointAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();

        // ReaderWriterLockSlim is thread-affine, so the exclusive section runs on one pool thread from start to end.
        return Task.Run(() => TakeCheckpointExclusive(full: true), cancellationToken);
    }

    /// <summary>
    /// Checkpoints the three stores' logs and the counters, not their hash indexes: the cheap checkpoint a running node
    /// takes often. Recovery rebuilds the index from the last full checkpoint's and replays the log from there to this
    /// checkpoint, so the replay is bounded by how often full checkpoints are taken, and what a crash loses by how often
    /// this one is. Skipped, as the full one is, when nothing was written since the last checkpoint.
    /// </summary>
    public Task TakeLogCheckpointAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Task.Run(() => TakeCheckpointExclusive(full: false), cancellationToken);
    }

    /// <summary>A full checkpoint cut short after the capability and recipient stores, as a crash between them leaves the files (tests).</summary>
    internal Task TakeCheckpointCutBeforeReferencesAsync() => Task.Run(() => TakeCheckpointExclusive(full: true, cutBeforeReferences: true));

    private void TakeCheckpointExclusive(bool full, bool cutBeforeReferences = false)
    {
        var started = Stopwatch.GetTimestamp();
        _gate.EnterWriteLock();
        try
        {
            if (!_sessions.AnyWrote())
            {
                return;
            }

            // Profiles first: every profile a checkpointed reference names must be on disk before the reference is.
            _profiles.Persist(Path.Combine(_directory, ProfilesFile));

            // Counters next, tagged with the versions the stores will have after this checkpoint: on open, a file whose
            // versions do not match the recovered stores is recounted rather than trusted.
            var domains = _domains.Serialize();
            var counters = new byte[44 + domains.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(counters, CountersMagic);
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(4), _capabilities.CurrentVersion + 1);
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(12), _recipients.CurrentVersion + 1);
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(20), _refs.CurrentVersion + 1);
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(28), Interlocked.Read(ref _count));
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(36), Interlocked.Read(ref _sequenceFloor));
            domains.CopyTo(counters, 44);
            AtomicFile.Write(Path.Combine(_directory, CountersFile), counters);

            Checkpoint(_capabilities, full);
            Checkpoint(_recipients, full);
            if (cutBeforeReferences)
            {
                return;
            }

            Checkpoint(_refs, full);
            _sessions.ClearWrote();
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        PendingLogMessages.CheckpointTaken(_logger, Interlocked.Read(ref _count), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static void Checkpoint<TKey, TValue>(FasterKV<TKey, TValue> store, bool full)
    {
        var started = full ? store.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver) : store.TryInitiateHybridLogCheckpoint(out _, CheckpointType.FoldOver);
        if (!started)
        {
            throw new InvalidOperationException("A pending-table checkpoint is already in progress.");
        }

        store.CompleteCheckpointAsync().AsTask().GetAwaiter().GetResult();
    }

    private void LoadCounters(bool recovered)
    {
        var path = Path.Combine(_directory, CountersFile);
        if (!recovered || !File.Exists(path))
        {
            if (recovered)
            {
                PendingLogMessages.CountersMissing(_logger, path);
                DropOrphanedCapabilities();
                Recount();
            }

            _sequenceFloor = (long)((ulong)NowMs << 16);
            return;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length < 44 || BinaryPrimitives.ReadUInt32LittleEndian(data) != CountersMagic)
        {
            throw new InvalidDataException($"'{path}' is damaged (bad header); delete it to have the counters recounted from the stores.");
        }

        _domains.Load(data.AsSpan(44));
        var matches = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(4)) == _capabilities.CurrentVersion
            && BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(12)) == _recipients.CurrentVersion
            && BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(20)) == _refs.CurrentVersion;
        var floor = (ulong)BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(36));

        // The clock term covers sequences handed out after the checkpoint and lost with the crash.
        _sequenceFloor = (long)Math.Max(floor, (ulong)NowMs << 16);
        if (matches)
        {
            _count = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(28));
        }
        else
        {
            // Written for a checkpoint that did not complete: names and ids are still right (ids only grow), counts are not,
            // and the stores may describe different instants.
            PendingLogMessages.CountersMissing(_logger, path);
            DropOrphanedCapabilities();
            Recount();
        }
    }

    /// <summary>Recounts live references per sender domain from the capability store (after an interrupted checkpoint).</summary>
    private void Recount()
    {
        var counts = new long[Math.Max(_domains.DomainCount, 1)];
        long total = 0;
        var functions = new SimpleFunctions<Bytes32, CapabilityEntry>();
        using var session = _capabilities.For(functions).NewSession(functions);
        using var iterator = session.Iterate();
        while (iterator.GetNext(out var info))
        {
            ref var entry = ref iterator.GetValue();
            if (info.Tombstone || entry.IsTombstone)
            {
                continue;
            }

            total++;
            if ((uint)entry.DomainId < (uint)counts.Length)
            {
                counts[entry.DomainId]++;
            }
        }

        _domains.ResetCounts(counts);
        _count = total;
    }
}
