using System.Diagnostics;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// Expires every delivery whose blob's transit expiry is at or before <paramref name="now"/>, deletes the buckets
    /// whose window has passed, and truncates the heads of buckets whose first blobs died (docs/ARCHITECTURE.md §3.3).
    /// The deliveries still Outstanding are journaled Expired before anything is reported, so a blob's one expiry record
    /// (<see cref="BlobExpired"/>) is never repeated by a process that recovers from a checkpoint older than the sweep.
    /// Returns the number of blobs expired.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            var unfetched = await JournalExpiriesAsync(nowMs).ConfigureAwait(false);
            var expired = 0;
            var closing = new List<BucketLog>();
            lock (_index)
            {
                // Before the expiry: a grace never outlives its blob, so an expired blob is unpinned here first.
                ReleaseGraceLocked(nowMs);
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
                            ExpireLocked(blobs[i], nowMs, unfetched);
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

                _expiries.Swept(nowMs);
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
    /// Settles the bytes of the inline blobs in their buckets, writes the index checkpoint (index, delivery states,
    /// ledger, journal address covered), then truncates the journal before that address and head-truncates the buckets
    /// (docs/ARCHITECTURE.md §3.2–§3.3). An inline blob indexed after the settling pass looked is written into the
    /// checkpoint with its bytes, so the journal records it truncates are never the only copy of a blob.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await SettleInlineLockedAsync().ConfigureAwait(false);
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

    /// <summary>
    /// Journals as Expired, durably, the Outstanding deliveries of every blob expired at <paramref name="nowMs"/>, in
    /// records of at most <see cref="ExpiryRecordCapabilities"/> capabilities; returns how many each blob had, which the
    /// sweep then reports. A crash after this replays them Expired, and the blob is removed without a second record.
    /// </summary>
    private async Task<Dictionary<BlobEntry, int>> JournalExpiriesAsync(long nowMs)
    {
        var capabilities = new List<FetchCapability>();
        lock (_index)
        {
            foreach (var bucket in _buckets.Values)
            {
                if (bucket.Window.StartMs > nowMs)
                {
                    continue;
                }

                foreach (var blob in bucket.Blobs)
                {
                    if (blob.ExpiryMs > nowMs || blob.OutstandingCount == 0)
                    {
                        continue;
                    }

                    foreach (var d in blob.Deliveries)
                    {
                        if (d.State == DeliveryState.Outstanding)
                        {
                            capabilities.Add(d.Capability);
                        }
                    }
                }
            }
        }

        // Every record enqueued before any is awaited: the group commit makes them durable together.
        var changes = new List<Task<List<DeliveryEntry>>>();
        for (var from = 0; from < capabilities.Count; from += ExpiryRecordCapabilities)
        {
            changes.Add(ChangeStateAsync(DeliveryState.Expired, capabilities.GetRange(from, Math.Min(ExpiryRecordCapabilities, capabilities.Count - from)).ToArray()));
        }

        var unfetched = new Dictionary<BlobEntry, int>();
        foreach (var moved in await Task.WhenAll(changes).ConfigureAwait(false))
        {
            foreach (var d in moved)
            {
                unfetched[d.Blob] = unfetched.GetValueOrDefault(d.Blob) + 1;
            }
        }

        return unfetched;
    }

    private void ExpireLocked(BlobEntry blob, long nowMs, Dictionary<BlobEntry, int> unfetched)
    {
        // Deliveries that were Outstanding here were journaled Expired by this sweep (unfetched); any left Outstanding
        // (none, unless one raced the sweep) expire now, in memory. One expiry record per blob that expired with
        // deliveries unfetched (issue 17: never silent, never twice): the blob leaves the index here, and a recovery
        // replays its deliveries Expired, so no later sweep reports it again.
        var count = unfetched.GetValueOrDefault(blob);
        foreach (var d in blob.Deliveries)
        {
            count += TransitionLocked(d, DeliveryState.Expired, nowMs) ? 1 : 0;
            _deliveries.Remove(d.Capability);
        }

        if (count > 0)
        {
            _blobsExpired++;
            var expiry = new BlobExpiry(blob.Id, blob.Account, blob.Size, count, blob.ExpiryMs);
            if (BlobExpired is { } report)
            {
                report(expiry);
            }
            else if (_unreportedExpiries.Count < MaxUnreportedExpiries)
            {
                // Nobody listens yet (the sweep at open, a gateway not started yet): kept for TakeUnreportedExpiries.
                _unreportedExpiries.Add(expiry);
            }
        }

        _blobs.Remove(blob.Id);
        DropInlineLocked(blob);
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
        // Two cadences on one loop: the sweep (expiry records, freed bytes, what a gateway's high-water mark counts) as
        // often as SweepInterval says, the checkpoint at CheckpointInterval; a checkpoint is always preceded by a sweep.
        var checkpointMs = _options.CheckpointInterval == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)_options.CheckpointInterval.TotalMilliseconds;
        var sweepMs = _options.SweepInterval == Timeout.InfiniteTimeSpan ? checkpointMs : Math.Min(checkpointMs, (long)_options.SweepInterval.TotalMilliseconds);
        var sinceCheckpointMs = 0L;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(sweepMs), _time, _stop.Token).ConfigureAwait(false);
                await SweepAsync(_time.GetUtcNow(), _stop.Token).ConfigureAwait(false);
                sinceCheckpointMs += sweepMs;
                if (sinceCheckpointMs >= checkpointMs)
                {
                    sinceCheckpointMs = 0;
                    await CheckpointAsync(_stop.Token).ConfigureAwait(false);
                }
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
