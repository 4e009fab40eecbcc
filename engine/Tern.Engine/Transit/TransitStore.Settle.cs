namespace Tern.Engine.Transit;

/// <summary>
/// Settling the bytes of blobs submitted inline (docs/ARCHITECTURE.md §3.2, "Small blobs ride the journal"): appending
/// them to their bucket logs and committing those, so the blobs read from disk and their memory is given back. The
/// checkpoint settles every inline blob it finds before it writes (and carries the bytes of any submitted meanwhile);
/// past <see cref="TransitStoreOptions.JournalInlineHeldBytes"/> held, a background pass settles them sooner.
/// </summary>
public sealed partial class TransitStore
{
    // Blobs whose bytes are only in memory and in their journal records; guarded by the index lock.
    private readonly HashSet<BlobEntry> _unsettled = [];
    private long _inlineHeldBytes;

    // The background settling pass, if one was started; replaced under the index lock once it completed.
    private Task _settling = Task.CompletedTask;

    /// <summary>Bytes of inline blobs held in memory, not yet settled in their buckets (tests, metrics).</summary>
    internal long InlineHeldBytes
    {
        get
        {
            lock (_index)
            {
                return _inlineHeldBytes;
            }
        }
    }

    /// <summary>The background settling pass last started, or a completed task (tests).</summary>
    internal Task InlineSettling
    {
        get
        {
            lock (_index)
            {
                return _settling;
            }
        }
    }

    /// <summary>Settles every inline blob held now, as the checkpoint does before it writes (tests).</summary>
    internal async Task SettleInlineAsync()
    {
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            await SettleInlineLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>Counts an indexed inline blob's bytes as held, and starts a background settle once too many are.</summary>
    private void HoldInlineLocked(BlobEntry blob)
    {
        _unsettled.Add(blob);
        _inlineHeldBytes += blob.Size;
        SettleIfTooMuchHeldLocked();
    }

    private void SettleIfTooMuchHeldLocked()
    {
        if (_inlineHeldBytes > _options.JournalInlineHeldBytes && _settling.IsCompleted && _disposed == 0 && _committer.Started)
        {
            _settling = Task.Run(SettleInBackgroundAsync);
        }
    }

    /// <summary>Gives back an inline blob's bytes: the blob died before they were settled, and nothing reads them again.</summary>
    private void DropInlineLocked(BlobEntry blob)
    {
        if (blob.Inline is null)
        {
            return;
        }

        blob.Inline = null;
        _unsettled.Remove(blob);
        _inlineHeldBytes -= blob.Size;
    }

    private async Task SettleInBackgroundAsync()
    {
        try
        {
            await _maintenance.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await SettleInlineLockedAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed pass leaves the bytes held; the checkpoint settles them or fails itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransitLogMessages.SettleFailed(_logger, ex);
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>Waits for a background settling pass started before the store began to close.</summary>
    private async Task AwaitSettlingAsync()
    {
        Task settling;
        lock (_index)
        {
            settling = _settling;
        }

        // The pass logs its own failure.
        await settling.ConfigureAwait(false);
    }

    /// <summary>
    /// Appends the bytes of every inline blob held now to its bucket log, one bucket after another, commits each bucket
    /// with the group commit, then points the blobs at their chunks (pinned while they live) and lets their memory go.
    /// A blob that died meanwhile is skipped: its copy is dead space, freed with the bucket's head. The caller holds
    /// <see cref="_maintenance"/>, so no sweep closes a bucket and no other pass settles the same blob meanwhile.
    /// </summary>
    private async Task SettleInlineLockedAsync()
    {
        List<(BlobEntry Blob, byte[] Bytes)> held;
        lock (_index)
        {
            if (_unsettled.Count == 0)
            {
                return;
            }

            held = new(_unsettled.Count);
            foreach (var blob in _unsettled)
            {
                held.Add((blob, blob.Inline!));
            }
        }

        foreach (var window in held.Select(h => h.Blob.Window).Distinct())
        {
            await SettleBucketAsync(window, held.Where(h => h.Blob.Window == window).ToList()).ConfigureAwait(false);
        }
    }

    private async Task SettleBucketAsync(BucketWindow window, List<(BlobEntry Blob, byte[] Bytes)> blobs)
    {
        BucketLog? bucket;
        long reservation;
        while (true)
        {
            lock (_index)
            {
                if (TryGetWritableBucketLocked(window, out bucket))
                {
                    reservation = bucket.Reserve();
                    break;
                }
            }

            await OpenBucketAsync(window).ConfigureAwait(false);
        }

        try
        {
            var log = bucket.Log!;
            var addresses = new long[blobs.Count];
            for (var i = 0; i < blobs.Count; i++)
            {
                var (blob, bytes) = blobs[i];
                addresses[i] = await log.EnqueueAsync(bytes.AsMemory(0, (int)blob.Size)).ConfigureAwait(false);
            }

            await _committer.EnqueueAsync(new JournalOp(null, 0, bucket)).ConfigureAwait(false);
            lock (_index)
            {
                for (var i = 0; i < blobs.Count; i++)
                {
                    var blob = blobs[i].Blob;
                    if (blob.Inline is null)
                    {
                        continue;
                    }

                    // Addresses before the bytes go: a reader that finds no bytes under the lock finds the chunk.
                    blob.FirstChunk = addresses[i];
                    blob.ChunkMap = addresses[i];
                    if (blob.Bucket != bucket)
                    {
                        // Its bucket was known only from the journal at recovery; the log opened now holds its bytes.
                        blob.Bucket = bucket;
                    }

                    if (blob.OutstandingCount > 0 || _graced.Contains(blob))
                    {
                        bucket.AddLive(addresses[i]);
                    }

                    blob.Inline = null;
                    _unsettled.Remove(blob);
                    _inlineHeldBytes -= blob.Size;
                }
            }
        }
        finally
        {
            bucket.EndReservation(reservation, -1);
            lock (_index)
            {
                _truncateQueue.Add(bucket);
            }
        }
    }
}
