using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

public sealed partial class NotificationIngest
{
    /// <summary>
    /// Most records one prefetch covers before they are delivered. A whole batch of eight-record datagrams is 512 records,
    /// some 2 500 lines and as many pages: by the time the last were prefetched the first were out of the L1 cache and
    /// the TLB again. 64 keeps a batch of one-record datagrams one group, as it was.
    /// </summary>
    private const int PrefetchGroupRecords = 64;

    /// <summary>
    /// Delivers the records of every staged datagram, in the order they were staged. When the sink throws, the rest of that
    /// datagram's records are lost (counted in <see cref="IngestCounters.DeliveryFailures"/>), the other datagrams are still
    /// delivered, the stage is emptied, and then the first exception is rethrown for the receive loop to count and log
    /// (a failure of a full stage's own flush in <see cref="Stage"/> comes out here).
    /// </summary>
    public void Flush(long nowMs)
    {
        var failure = _deferredFailure;
        _deferredFailure = null;
        for (var first = 0; first < _stagedCount;)
        {
            // Datagrams in groups of at most PrefetchGroupRecords records (a datagram with more is a group alone): each
            // group is prefetched, then delivered while what the prefetch brought is still in the cache and the TLB.
            var end = first + 1;
            var records = _staged[first].KeyCount;
            while (end < _stagedCount && records + _staged[end].KeyCount <= PrefetchGroupRecords)
            {
                records += _staged[end++].KeyCount;
            }

            try
            {
                var keys = _staged[first].KeysStart;
                _sink.Prefetch(_stagedCapabilities.AsSpan(keys, records), _stagedRecipients.AsSpan(keys, records));
            }
#pragma warning disable CA1031 // A hint that failed changes nothing the records need; it is reported with the batch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure ??= e;
            }

            // The group's notifications go to the sink as runs (BeginRecords), broken only by a retraction datagram.
            var inRun = false;
            for (var i = first; i < end; i++)
            {
                if ((_staged[i].Type == DatagramType.Notification) != inRun)
                {
                    inRun = inRun ? EndRun(ref failure) : BeginRun(ref failure);
                }

                try
                {
                    Deliver(StagedBodyAt(i), _stagedSenderKeys.AsSpan(i * NotificationKey.Size, NotificationKey.Size), nowMs);
                }
#pragma warning disable CA1031 // One datagram's failure must not cost the others of the batch, nor leave them staged twice.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Counters.DeliveryFailures++;
                    failure ??= e;
                }
            }

            if (inRun)
            {
                EndRun(ref failure);
            }

            first = end;
        }

        _stagedCount = 0;
        _stagedRecords = 0;
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    // Both return whether a run is open afterwards. A run that failed to begin leaves each record to the sink alone.
#pragma warning disable CA1031 // Reported with the batch, as a failed prefetch is: the records are delivered either way.
    private bool BeginRun(ref Exception? failure)
    {
        try
        {
            _sink.BeginRecords();
            return true;
        }
        catch (Exception e)
        {
            failure ??= e;
            return false;
        }
    }

    private bool EndRun(ref Exception? failure)
    {
        try
        {
            _sink.EndRecords();
        }
        catch (Exception e)
        {
            failure ??= e;
        }

        return false;
    }
#pragma warning restore CA1031
}
