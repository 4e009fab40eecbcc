using System.Diagnostics;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// Expires every delivery whose blob's transit expiry is at or before <paramref name="now"/>, deletes the buckets
    /// whose window has passed, and truncates the heads of buckets whose first blobs died (docs/ARCHITECTURE.md §3.3).
    /// Returns the number of blobs expired.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            var expired = 0;
            var closing = new List<BucketLog>();
            lock (_index)
            {
                foreach (var bucket in _buckets.Values)
                {
                    if (bucket.Window.StartMs > nowMs)
                    {
                        continue;
                    }

                    var blobs = bucket.Blobs;
                    var kept = 0;
                    for (var i = 0; i < blobs.Count; i++)
                    {
                        if (blobs[i].ExpiryMs <= nowMs)
                        {
                            ExpireLocked(blobs[i], nowMs);
                            expired++;
                        }
                        else
                        {
                            blobs[kept++] = blobs[i];
                        }
                    }

                    blobs.RemoveRange(kept, blobs.Count - kept);
                    if (bucket.Window.EndMs <= nowMs && !bucket.HasReservations)
                    {
                        closing.Add(bucket);
                    }
                }

                foreach (var bucket in closing)
                {
                    _buckets.Remove(bucket.Window);
                    _truncateQueue.Remove(bucket);
                }
            }

            foreach (var bucket in closing)
            {
                await bucket.CloseAsync().ConfigureAwait(false);
                if (Directory.Exists(bucket.Directory))
                {
                    Directory.Delete(bucket.Directory, recursive: true);
                }

                TransitLogMessages.BucketDeleted(_logger, bucket.Window.DirectoryName);
            }

            await ReclaimLockedAsync().ConfigureAwait(false);
            TransitLogMessages.Swept(_logger, now, expired, closing.Count);
            return expired;
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>
    /// Writes the index checkpoint (index, delivery states, ledger, journal address covered), then truncates the journal
    /// before that address and head-truncates the buckets (docs/ARCHITECTURE.md §3.2–§3.3).
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            long covered;
            int blobs;
            lock (_index)
            {
                // Writing under the lock keeps the checkpoint consistent with the address it claims to cover.
                covered = _lastApplied;
                blobs = _blobs.Count;
                IndexCheckpoint.Write(_indexDirectory, covered, _ledger, _blobs.Values);
            }

            if (covered > _journal.BeginAddress)
            {
                // Replay starts at the covered entry and skips it, so it stays; everything before it goes.
                _journal.TruncateUntil(covered);
            }

            await ReclaimLockedAsync().ConfigureAwait(false);
            TransitLogMessages.CheckpointWritten(_logger, blobs, covered, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private void ExpireLocked(BlobEntry blob, long nowMs)
    {
        // One expiry record per blob that expired with deliveries unfetched (issue 17: never silent, never twice): the
        // blob leaves the index here, so no later sweep or recovery sees it again.
        if (blob.OutstandingCount > 0)
        {
            _blobsExpired++;
            BlobExpired?.Invoke(new BlobExpiry(blob.Id, blob.Account, blob.Size, blob.OutstandingCount, blob.ExpiryMs));
        }

        foreach (var d in blob.Deliveries)
        {
            TransitionLocked(d, DeliveryState.Expired, nowMs);
            _deliveries.Remove(d.Capability);
        }

        _blobs.Remove(blob.Id);
        blob.ChunkAddresses = null;
        blob.Tree = null;
    }

    /// <summary>Truncates queued bucket heads and commits them (and the journal) so that whole segments are freed.</summary>
    private async Task ReclaimLockedAsync()
    {
        List<Task>? commits = null;
        lock (_index)
        {
            foreach (var bucket in _truncateQueue)
            {
                if (bucket.TruncateToFirstLive())
                {
                    (commits ??= []).Add(_committer.EnqueueAsync(new JournalOp(null, 0, bucket)));
                }
            }

            _truncateQueue.Clear();
        }

        commits ??= [];
        commits.Add(_committer.EnqueueAsync(new JournalOp(null, 0, null)));
        await Task.WhenAll(commits).ConfigureAwait(false);
    }

    private async Task MaintainAsync()
    {
        var interval = _options.CheckpointInterval;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stop.Token).ConfigureAwait(false);
                await SweepAsync(_time.GetUtcNow(), _stop.Token).ConfigureAwait(false);
                await CheckpointAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                TransitLogMessages.MaintenanceFailed(_logger, ex);
            }
        }
    }
}
