using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

public sealed partial class MessageStore
{
    private readonly object _gate = new();
    private readonly List<(byte[] Record, FetchCapability Capability, RecipientHash Hash, StoredMessage? Message)> _unsettled = [];
    private readonly Dictionary<FetchCapability, int> _inLog = [];
    private long _unsettledBytes;
    private Task _checkpoint = Task.CompletedTask;
    private bool _checkpointRunning;
    private bool _disposed;
    private long _checkpointsOnPool;

    /// <summary>Checkpoints taken since open (tests, reports).</summary>
    public long Checkpoints { get; private set; }

    /// <summary>Commit-log writes and checkpoints that ran on a thread-pool thread since open (tests: none should).</summary>
    internal long BlockingWorkOnPool => _log.WritesOnPool + Interlocked.Read(ref _checkpointsOnPool);

    /// <summary>
    /// Makes the files of every message committed so far durable (their <c>.blob</c> and <c>.meta</c>, then each directory
    /// once) and drops their records from the commit log. Runs on its own once the log holds
    /// <see cref="MessageStoreOptions.CheckpointBytes"/>, every <see cref="MessageStoreOptions.CheckpointInterval"/>, and
    /// when the store is disposed.
    /// </summary>
    public Task CheckpointAsync()
    {
        StartCheckpoint(force: true);
        lock (_gate)
        {
            return _checkpoint;
        }
    }

    /// <summary>Stops the checkpoint timer, checkpoints what is left and closes the commit log.</summary>
    public void Dispose()
    {
        _checkpointTimer.Dispose();
        Task running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            running = _checkpoint;
        }

        running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        try
        {
            // Not needed for safety (a replay redoes it), only so a clean restart replays nothing.
            CheckpointAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
        finally
        {
            lock (_gate)
            {
                _disposed = true;
            }

            _log.Dispose();
        }
    }

    /// <summary>A record now in the commit log, for the next checkpoint to settle.</summary>
    private void Recorded(byte[] record, FetchCapability capability, RecipientHash hash, StoredMessage? message)
    {
        lock (_gate)
        {
            _unsettled.Add((record, capability, hash, message));
            _inLog[capability] = _inLog.GetValueOrDefault(capability) + 1;
            _unsettledBytes += record.Length;
        }
    }

    /// <summary>Whether a record of <paramref name="capability"/> may still be in the commit log.</summary>
    private bool InCommitLog(FetchCapability capability)
    {
        lock (_gate)
        {
            return _inLog.ContainsKey(capability);
        }
    }

    private void StartCheckpoint(bool force)
    {
        lock (_gate)
        {
            var releasable = _recoveredReleased && _held.Count > 0;
            if (_disposed || _checkpointRunning || (_unsettled.Count == 0 && !releasable) || (!force && _unsettledBytes < _options.CheckpointBytes))
            {
                return;
            }

            _checkpointRunning = true;
            // A thread of its own: its flushes and the log's rewrite block for the disk's time (seconds under a campaign),
            // which on the pool would take one of a small machine's few threads from the continuations that list a message.
            _checkpoint = Task.Factory.StartNew(Checkpoint, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Checkpoint()
    {
        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            Interlocked.Increment(ref _checkpointsOnPool);
        }

        List<(byte[] Record, FetchCapability Capability, RecipientHash Hash, StoredMessage? Message)> settling;
        List<byte[]> held;
        lock (_gate)
        {
            settling = [.. _unsettled];
            _unsettled.Clear();
            _unsettledBytes = 0;
            held = _recoveredReleased ? [.. _held] : [];
        }

        try
        {
            // Each message committed since the last checkpoint and not deleted since is named before its record can go.
            if (BeforeNaming is { } hold && settling.Exists(s => s.Message is not null))
            {
                hold().GetAwaiter().GetResult();
            }

            foreach (var (_, capability, _, message) in settling)
            {
                if (message is not null)
                {
                    Name(capability);
                }
            }

            // The events that ride in these records are in the event log's file before the records go.
            if (BeforeCheckpoint is { } before)
            {
                before().GetAwaiter().GetResult();
            }

            if (_durable)
            {
                var directories = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (_, capability, hash, message) in settling)
                {
                    if (message is null)
                    {
                        // A delete recorded in the log unlinked without a flush of its own: this one makes it durable.
                        directories.Add(DirectoryOf(hash));
                    }
                    else if (FlushIfPresent(PathOf(hash, capability, ".blob")))
                    {
                        FlushIfPresent(PathOf(hash, capability, ".meta"));
                        directories.Add(DirectoryOf(hash));
                    }
                }

                foreach (var directory in directories)
                {
                    DirectorySync.Flush(directory);
                }
            }

            var drop = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
            foreach (var (record, _, _, _) in settling)
            {
                drop.Add(record);
            }

            drop.UnionWith(held);
            _log.Compact(drop);
            lock (_gate)
            {
                foreach (var (_, capability, _, _) in settling)
                {
                    if (--_inLog[capability] == 0)
                    {
                        _inLog.Remove(capability);
                    }
                }

                _held.RemoveAll(drop.Contains);
                Checkpoints++;
            }
        }
        catch
        {
            // Kept for the next try; the records stay in the log until one succeeds.
            lock (_gate)
            {
                _unsettled.InsertRange(0, settling);
                foreach (var (record, _, _, _) in settling)
                {
                    _unsettledBytes += record.Length;
                }
            }

            throw;
        }
        finally
        {
            lock (_gate)
            {
                _checkpointRunning = false;
            }
        }
    }

    /// <summary>Flushes the file at <paramref name="path"/>; false when it is gone (the message was deleted meanwhile).</summary>
    private static bool FlushIfPresent(string path)
    {
        try
        {
            FlushFile(path);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
