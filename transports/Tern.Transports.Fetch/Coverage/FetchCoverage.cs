using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Coverage;

/// <summary>
/// Decides when a delivery counts as fetched (docs/PROTOCOL.md §9): once every byte of its blob has been written to
/// fetchers of its capability at least once (handed to a connection), in one response or across ranges, over any door. Then it records the
/// state change in the transit store (<see cref="TransitStore.MarkFetchedAsync"/>) so the sender stops notifying.
/// A response that covers the whole blob needs no bookkeeping; partial ones are remembered per capability, bounded.
/// </summary>
public sealed class FetchCoverage
{
    private readonly TransitStore _store;
    private readonly ILogger _logger;
    private readonly int _maxTracked;
    private readonly Dictionary<FetchCapability, ByteRangeSet> _partial = [];
    private readonly HashSet<FetchCapability> _marking = [];
    private long _marked;

    /// <summary>Creates the tracker for <paramref name="store"/>.</summary>
    public FetchCoverage(TransitStore store, int maxTracked, ILogger logger)
    {
        _store = store;
        _maxTracked = maxTracked;
        _logger = logger;
    }

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
        if (blob.State != DeliveryState.Pending)
        {
            return;
        }

        var complete = start <= 0 && end >= blob.Size;
        lock (_partial)
        {
            if (complete)
            {
                _partial.Remove(capability);
            }
            else if (_partial.TryGetValue(capability, out var set))
            {
                complete = set.Add(start, end, blob.Size);
                if (complete)
                {
                    _partial.Remove(capability);
                }
            }
            else if (end > start && _partial.Count < _maxTracked)
            {
                set = new ByteRangeSet();
                set.Add(start, end, blob.Size);
                _partial.Add(capability, set);
            }

            if (!complete || !_marking.Add(capability))
            {
                return;
            }
        }

        _ = MarkAsync(capability);
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
            FetchLog.MarkFetchedFailed(_logger, ex);
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
