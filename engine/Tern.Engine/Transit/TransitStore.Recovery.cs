namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// Rebuilds the index (docs/ARCHITECTURE.md §3.2): opens the bucket logs on disk, loads the latest checkpoint, replays
    /// the journal after the entry it covers, then pins the live blobs. Runs before the commit loop starts.
    /// Returns the number of journal entries replayed.
    /// </summary>
    private async Task<long> RecoverAsync()
    {
        foreach (var directory in Directory.GetDirectories(_blobsDirectory))
        {
            if (BucketWindow.TryParse(Path.GetFileName(directory), out var window))
            {
                _buckets.Add(window, BucketLog.Open(window, directory, _options, _commitFailed));
            }
        }

        var checkpointed = new List<BlobEntry>();
        IndexCheckpoint.TryRead(_indexDirectory, _ledger, checkpointed, out var covered);
        var nowMs = NowMs;
        foreach (var blob in checkpointed)
        {
            IndexRecoveredLocked(blob, nowMs);
        }

        _lastApplied = covered;
        long replayed = 0;
        var from = Math.Max(_journal.BeginAddress, covered);
        using (var iterator = _journal.Scan(from, _journal.TailAddress))
        {
            while (true)
            {
                while (iterator.GetNext(out byte[] entry, out var length, out var address, out _))
                {
                    if (address <= covered)
                    {
                        continue;
                    }

                    ReplayLocked(entry.AsSpan(0, length), nowMs);
                    _lastApplied = address;
                    replayed++;
                }

                if (!await iterator.WaitAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
        }

        // Pinned again: blobs with a delivery outstanding, and those in their fetched grace (its start is the last fetch,
        // from the checkpoint or the journal) whose bytes are still there.
        _graced.Clear();
        foreach (var blob in _blobs.Values)
        {
            if (blob.Size > 0 && blob.Inline is not null)
            {
                // Held in memory, not pinned in a bucket: kept while it lives or is in its grace, otherwise let go.
                if (blob.OutstandingCount > 0)
                {
                    continue;
                }

                if (GraceUntil(blob) is var graceEnd && graceEnd > nowMs)
                {
                    blob.GraceUntilMs = graceEnd;
                    _graced.Add(blob);
                }
                else
                {
                    DropInlineLocked(blob);
                }

                continue;
            }

            if (blob.Size == 0 || blob.FirstChunk < 0 || blob.Bucket?.Log is not { } log)
            {
                continue;
            }

            if (blob.OutstandingCount > 0)
            {
                blob.Bucket.AddLive(blob.FirstChunk);
            }
            else if (GraceUntil(blob) is var until && until > nowMs && blob.FirstChunk >= log.BeginAddress)
            {
                blob.GraceUntilMs = until;
                _graced.Add(blob);
                blob.Bucket.AddLive(blob.FirstChunk);
            }
        }

        foreach (var bucket in _buckets.Values)
        {
            _truncateQueue.Add(bucket);
        }

        return replayed;
    }

    private void ReplayLocked(ReadOnlySpan<byte> entry, long nowMs)
    {
        switch (JournalCodec.EntryType(entry))
        {
            case JournalCodec.SubmissionType or JournalCodec.InlineSubmissionType or JournalCodec.LegacySubmissionType:
                var blob = JournalCodec.ReadSubmission(entry, out _);
                if (!_blobs.ContainsKey(blob.Id) && IndexRecoveredLocked(blob, nowMs))
                {
                    _ledger.Submitted(blob, blob.SubmittedMs);
                }

                break;
            case JournalCodec.StateChangeType:
                var to = JournalCodec.ReadStateChange(entry, out var atMs, out var count);
                for (var i = 0; i < count; i++)
                {
                    if (_deliveries.TryGetValue(JournalCodec.StateChangeCapability(entry, i), out var d))
                    {
                        TransitionLocked(d, to, atMs);
                    }
                }

                break;
        }
    }

    /// <summary>Indexes a blob found in the checkpoint or the journal; false when its bytes never became durable.</summary>
    private bool IndexRecoveredLocked(BlobEntry blob, long nowMs)
    {
        var bucket = BucketLocked(blob.Window);
        if (blob.Inline is not null)
        {
            // Its bytes came back with its record (journal or checkpoint): nothing in a bucket to check. A copy settled
            // before the crash, after the last checkpoint, is dead space in its bucket, freed with the bucket's head.
            IndexBlobLocked(blob, bucket);
            HoldInlineLocked(blob);
            return true;
        }

        // FirstChunk -1 without bytes (in a checkpoint): an inline blob that died before it was settled; nothing to check.
        if (blob.FirstChunk >= 0 && bucket.Log is { } log)
        {
            // Journal and buckets commit in parallel: a crash between the two can leave a journal entry whose chunks
            // are not durable. Its submission was never acknowledged; drop it.
            if (blob.Size > 0 && blob.LastAddress >= log.CommittedUntilAddress)
            {
                TransitLogMessages.DroppedUncommittedSubmission(_logger, blob.Id.ToString(), blob.Window.DirectoryName);
                return false;
            }
        }
        else if (blob.FirstChunk >= 0 && blob.ExpiryMs > nowMs && blob.Size > 0)
        {
            TransitLogMessages.MissingBucket(_logger, blob.Id.ToString(), DateTimeOffset.FromUnixTimeMilliseconds(blob.ExpiryMs), blob.Window.DirectoryName);
        }

        IndexBlobLocked(blob, bucket);
        return true;
    }
}
