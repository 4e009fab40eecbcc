using Microsoft.Extensions.Logging;
using Tern.Engine.Loops;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Coverage;

/// <summary>
/// Decides when a delivery counts as fetched (docs/PROTOCOL.md §9): once every byte of its blob has been written to
/// fetchers of its capability at least once (handed to a connection), in one response or across ranges, over any door. Then it records the
/// state change in the transit store (<see cref="TransitStore.MarkFetchedAsync"/>) so the sender stops notifying.
/// A response that covers the whole blob needs no bookkeeping; partial ones are remembered per capability, bounded,
/// and survive a restart when the host saves them (<see cref="SaveIfChanged"/>, <see cref="RestoreAsync"/>).
/// </summary>
public sealed class FetchCoverage
{
    private readonly TransitStore _store;
    private readonly ILogger _logger;
    private readonly int _maxTracked;
    private readonly Dictionary<FetchCapability, ByteRangeSet> _partial = [];
    private readonly HashSet<FetchCapability> _marking = [];
    private long _marked;
    private bool _changed;

    /// <summary>Creates the tracker for <paramref name="store"/>.</summary>
    public FetchCoverage(TransitStore store, int maxTracked, ILogger logger)
    {
        _store = store;
        _maxTracked = maxTracked;
        _logger = logger;
    }

    /// <summary>Saves that failed (<see cref="SaveIfChanged"/>): I/O errors as <see cref="LoopErrorKind.BackOff"/>, anything else as <see cref="LoopErrorKind.Unexpected"/>.</summary>
    public LoopErrors SaveErrors { get; } = new();

    /// <summary>Deliveries this tracker has marked fetched.</summary>
    public long MarkedCount => Interlocked.Read(ref _marked);

    /// <summary>Capabilities with partial coverage remembered.</summary>
    public int TrackedCount
    {
        get
        {
            lock (_partial)
            {
                return _partial.Count;
            }
        }
    }

    /// <summary>
    /// Records that bytes [<paramref name="start"/>, <paramref name="end"/>) of the blob behind <paramref name="capability"/>
    /// were written to a fetcher. A zero-length blob counts on its first successful fetch (call with 0, 0). Marking runs
    /// in the background: the journal commit must not hold up the connection that served the bytes.
    /// </summary>
    public void Record(FetchCapability capability, in BlobInfo blob, long start, long end)
    {
        if (blob.State != DeliveryState.Outstanding)
        {
            return;
        }

        var complete = start <= 0 && end >= blob.Size;
        lock (_partial)
        {
            if (complete)
            {
                _changed |= _partial.Remove(capability);
            }
            else if (_partial.TryGetValue(capability, out var set))
            {
                complete = set.Add(start, end, blob.Size);
                if (complete)
                {
                    _partial.Remove(capability);
                }

                _changed = true;
            }
            else if (end > start && _partial.Count < _maxTracked)
            {
                set = new ByteRangeSet();
                set.Add(start, end, blob.Size);
                _partial.Add(capability, set);
                _changed = true;
            }

            if (!complete || !_marking.Add(capability))
            {
                return;
            }
        }

        _ = MarkAsync(capability);
    }

    /// <summary>
    /// Writes the partial coverage to <paramref name="path"/> when it changed since the last save; returns whether it
    /// wrote. Failures are logged and retried by the next call, since a lost save only means a fetcher's next full fetch
    /// is what counts.
    /// </summary>
    public bool SaveIfChanged(string path)
    {
        List<(FetchCapability, (long, long)[])> entries;
        lock (_partial)
        {
            if (!_changed)
            {
                return false;
            }

            entries = new List<(FetchCapability, (long, long)[])>(_partial.Count);
            foreach (var (capability, set) in _partial)
            {
                entries.Add((capability, [.. set.Ranges]));
            }

            _changed = false;
        }

        try
        {
            CoverageSnapshot.Write(path, entries);
            return true;
        }
#pragma warning disable CA1031 // A failed save must not take the server down; the next interval retries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // A full or read-only disk fails every interval alike: count each, log once a minute at most.
            if (SaveErrors.Record(ex is IOException or UnauthorizedAccessException ? LoopErrorKind.BackOff : LoopErrorKind.Unexpected, out var unlogged))
            {
                FetchLogMessages.CoverageSaveFailed(_logger, ex, path, unlogged);
            }

            lock (_partial)
            {
                _changed = true;
            }

            return false;
        }
    }

    /// <summary>
    /// Restores the partial coverage saved in <paramref name="path"/>, keeping only deliveries still pending in the store
    /// and ranges inside their blob. An unreadable file is moved aside (to <c>.unreadable</c>) and logged; the tracker
    /// then starts empty. Call before the doors serve. Returns the deliveries restored.
    /// </summary>
    public async Task<int> RestoreAsync(string path)
    {
        List<(FetchCapability Capability, (long Start, long End)[] Ranges)> entries;
        try
        {
            entries = CoverageSnapshot.Read(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Set aside for whoever wants to look at it, so that the next save does not overwrite it.
            var aside = path + ".unreadable";
            try
            {
                File.Move(path, aside, overwrite: true);
            }
            catch (Exception moveFailure) when (moveFailure is IOException or UnauthorizedAccessException)
            {
                aside = "(could not be moved: " + moveFailure.Message + ")";
            }

            FetchLogMessages.CoverageUnreadable(_logger, ex, path, aside);
            return 0;
        }

        // Replayed through Record, as if the ranges were served again: the same bound, merging and completion (a blob
        // whose ranges already cover it, because the mark did not reach the store before the restart, is marked now).
        var before = TrackedCount;
        foreach (var (capability, ranges) in entries)
        {
            // Record itself ignores deliveries no longer pending; one the store no longer has is skipped here.
            if (await _store.GetBlobAsync(capability).ConfigureAwait(false) is not { } blob)
            {
                continue;
            }

            foreach (var (start, end) in ranges)
            {
                if (start >= 0 && end <= blob.Size && end > start)
                {
                    Record(capability, blob, start, end);
                }
            }
        }

        var restored = TrackedCount - before;
        FetchLogMessages.CoverageRestored(_logger, path, restored, entries.Count - restored);
        return restored;
    }

    private async Task MarkAsync(FetchCapability capability)
    {
        try
        {
            if (await _store.MarkFetchedAsync(capability).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _marked);
            }
        }
#pragma warning disable CA1031 // A failed mark must not take the door down; the next full fetch retries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FetchLogMessages.MarkFetchedFailed(_logger, ex);
        }
        finally
        {
            lock (_partial)
            {
                _marking.Remove(capability);
            }
        }
    }
}
