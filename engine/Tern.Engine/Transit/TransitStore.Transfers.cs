using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    // Transfer capabilities (docs/PROTOCOL.md §10.5): in memory only, since an offer does not outlive its sender's process
    // (a restarted sender offers again with a new one). Guarded by the index lock.
    private readonly Dictionary<FetchCapability, DeliveryEntry> _transfers = [];

    /// <summary>
    /// Opens a transfer capability for the blob of <paramref name="messageId"/> (docs/PROTOCOL.md §10.5): a fresh random
    /// capability a gateway fetches the blob with while its deliveries to <paramref name="destinationDomain"/> are offered
    /// to it. It serves the blob's bytes like a delivery's capability while one of those deliveries is Outstanding, counts
    /// nothing towards §9, and is never notified. Null when no delivery of the blob to that domain is Outstanding.
    /// </summary>
    public FetchCapability? OpenTransfer(MessageId messageId, string destinationDomain)
    {
        var domain = DomainName.Normalize(destinationDomain);
        lock (_index)
        {
            if (!_blobs.TryGetValue(messageId, out var blob) || blob.ExpiryMs <= NowMs)
            {
                return null;
            }

            foreach (var d in blob.Deliveries)
            {
                if (d.State == DeliveryState.Outstanding && d.Domain == domain)
                {
                    var capability = FetchCapability.NewRandom();
                    _transfers.Add(capability, d);
                    return capability;
                }
            }

            return null;
        }
    }

    /// <summary>Closes a transfer capability: from now on it answers like one never issued (§8).</summary>
    public void CloseTransfer(FetchCapability capability)
    {
        lock (_index)
        {
            _transfers.Remove(capability);
        }
    }

    /// <summary>Transfer capabilities open now (tests, metrics).</summary>
    public int OpenTransfers
    {
        get
        {
            lock (_index)
            {
                return _transfers.Count;
            }
        }
    }

    /// <summary>
    /// Whether the blob of <paramref name="messageId"/> has an Outstanding delivery to <paramref name="destinationDomain"/>
    /// and has not expired (a sender's custody loop asks before offering again).
    /// </summary>
    public bool HasOutstanding(MessageId messageId, string destinationDomain)
    {
        var domain = DomainName.Normalize(destinationDomain);
        lock (_index)
        {
            if (!_blobs.TryGetValue(messageId, out var blob) || blob.ExpiryMs <= NowMs)
            {
                return false;
            }

            foreach (var d in blob.Deliveries)
            {
                if (d.State == DeliveryState.Outstanding && d.Domain == domain)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The message <paramref name="messageId"/> whoever submitted it (custody: the sender's loop and the gateway), or null.</summary>
    internal MessageInfo? FindMessage(MessageId messageId)
    {
        lock (_index)
        {
            return _blobs.TryGetValue(messageId, out var blob) ? ToMessageInfoLocked(blob) : null;
        }
    }

    /// <summary>The furthest transit expiry a submission may ask for now, from the store's limits (MaxTransit, AccountMaxExpiry).</summary>
    public TimeSpan MaxExpiry => _options.MaxTransit < _options.AccountMaxExpiry ? _options.MaxTransit : _options.AccountMaxExpiry;

    /// <summary>Bytes free on the data volume as the store sees them (refreshed at most every 200 ms), less what it reserved since.</summary>
    public long AvailableBytes
    {
        get
        {
            lock (_index)
            {
                return _freeSpace.Available();
            }
        }
    }

    /// <summary>The delivery a transfer capability stands for while it may serve: open, Outstanding, blob not expired.</summary>
    private bool TryFindTransferLocked(FetchCapability capability, out DeliveryEntry delivery) =>
        _transfers.TryGetValue(capability, out delivery!) && delivery.State == DeliveryState.Outstanding;
}
