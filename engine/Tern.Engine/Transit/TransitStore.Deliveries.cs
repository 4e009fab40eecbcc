using System.Buffers;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// Records that every byte of the delivery's blob was served (docs/PROTOCOL.md §9). Durable in the journal before it
    /// takes effect, but without a commit of its own: the mark rides the next commit, or is committed alone after
    /// <see cref="TransitStoreOptions.MarkCommitDelay"/> (docs/ARCHITECTURE.md §3.2, "Marks that ride"). True when this
    /// call moved the delivery from Outstanding to Fetched.
    /// </summary>
    public async ValueTask<bool> MarkFetchedAsync(FetchCapability capability)
    {
        lock (_index)
        {
            if (!_deliveries.TryGetValue(capability, out var d) || d.State != DeliveryState.Outstanding || d.Blob.ExpiryMs <= NowMs)
            {
                return false;
            }
        }

        var changed = await ChangeStateAsync(DeliveryState.Fetched, [capability], deferred: true).ConfigureAwait(false);
        return changed.Count == 1;
    }

    /// <summary>
    /// Retracts the Outstanding deliveries of <paramref name="messageId"/> submitted by <paramref name="account"/>
    /// (docs/PROTOCOL.md §11): their capabilities answer not-found from now on. Returns them, and the deliveries already
    /// fetched (whose recipients get a notice with <c>after_fetch</c>). An unknown message or another account's message
    /// gives an empty result.
    /// </summary>
    public async Task<RetractionResult> RetractAsync(MessageId messageId, string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        BlobEntry? blob;
        FetchCapability[] outstanding;
        lock (_index)
        {
            if (!_blobs.TryGetValue(messageId, out blob) || !string.Equals(blob.Account, account, StringComparison.Ordinal) || blob.ExpiryMs <= NowMs)
            {
                return new RetractionResult([], []);
            }

            outstanding = OutstandingCapabilitiesLocked(blob, domain: null);
        }

        var retracted = outstanding.Length > 0 ? await ChangeStateAsync(DeliveryState.Retracted, outstanding).ConfigureAwait(false) : [];
        var fetched = new List<DeliveryInfo>();
        var retractedInfos = new List<DeliveryInfo>(retracted.Count);
        lock (_index)
        {
            foreach (var d in retracted)
            {
                retractedInfos.Add(d.ToInfo());
            }

            foreach (var d in blob.Deliveries)
            {
                if (d.State == DeliveryState.Fetched)
                {
                    fetched.Add(d.ToInfo());
                }
            }
        }

        return new RetractionResult(retractedInfos, fetched);
    }

    /// <summary>
    /// Records that a gateway took responsibility for the Outstanding deliveries of <paramref name="messageId"/> to
    /// <paramref name="destinationDomain"/> (docs/PROTOCOL.md §10). Returns how many deliveries moved.
    /// </summary>
    public async Task<int> MarkTransferredAsync(MessageId messageId, string destinationDomain)
    {
        var domain = DomainName.Normalize(destinationDomain);
        FetchCapability[] outstanding;
        lock (_index)
        {
            if (!_blobs.TryGetValue(messageId, out var blob) || blob.ExpiryMs <= NowMs)
            {
                return 0;
            }

            outstanding = OutstandingCapabilitiesLocked(blob, domain);
        }

        return outstanding.Length == 0 ? 0 : (await ChangeStateAsync(DeliveryState.Transferred, outstanding).ConfigureAwait(false)).Count;
    }

    /// <summary>
    /// Records retransmission progress of a Outstanding delivery. Index only (docs/ARCHITECTURE.md §3.2): after a crash the
    /// delivery resumes from the last checkpoint, at worst notifying early. False when the delivery is not outstanding.
    /// </summary>
    public ValueTask<bool> RecordAttemptAsync(FetchCapability capability, int attempt, DateTimeOffset nextAttemptAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        lock (_index)
        {
            if (!_deliveries.TryGetValue(capability, out var d) || d.State != DeliveryState.Outstanding)
            {
                return ValueTask.FromResult(false);
            }

            d.Attempt = attempt;
            d.NextAttemptMs = nextAttemptAt.ToUnixTimeMilliseconds();
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>Every Outstanding, unexpired delivery, for the retransmission scheduler to load at start.</summary>
    public IAsyncEnumerable<DeliveryInfo> ListOutstandingDeliveriesAsync()
    {
        List<DeliveryInfo> list;
        lock (_index)
        {
            list = [.. OutstandingEntriesLocked().Select(d => d.ToInfo())];
        }

        return EnumerateAsync(list);
    }

    private static async IAsyncEnumerable<DeliveryInfo> EnumerateAsync(List<DeliveryInfo> list)
    {
        foreach (var info in list)
        {
            yield return info;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>The delivery of <paramref name="capability"/> in any state (for the admin surface and tests), or null.</summary>
    public DeliveryInfo? GetDelivery(FetchCapability capability)
    {
        lock (_index)
        {
            return _deliveries.TryGetValue(capability, out var d) ? d.ToInfo() : null;
        }
    }

    private static FetchCapability[] OutstandingCapabilitiesLocked(BlobEntry blob, string? domain)
    {
        var count = 0;
        foreach (var d in blob.Deliveries)
        {
            count += d.State == DeliveryState.Outstanding && (domain is null || d.Domain == domain) ? 1 : 0;
        }

        var capabilities = new FetchCapability[count];
        var i = 0;
        foreach (var d in blob.Deliveries)
        {
            if (d.State == DeliveryState.Outstanding && (domain is null || d.Domain == domain))
            {
                capabilities[i++] = d.Capability;
            }
        }

        return capabilities;
    }

    /// <summary>Journals a state change, waits for the group commit, and returns the deliveries it moved out of Outstanding.</summary>
    private async Task<List<DeliveryEntry>> ChangeStateAsync(DeliveryState to, FetchCapability[] capabilities, bool deferred = false)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var change = new StateChange(to, capabilities, NowMs);
        var length = JournalCodec.MeasureStateChange(capabilities.Length);
        var record = ArrayPool<byte>.Shared.Rent(length);
        JournalCodec.WriteStateChange(record, to, change.AtMs, capabilities);
        var op = new JournalOp(record, length, bucket: null) { Change = change, Apply = _applyStateChange, Deferred = deferred };
        await _committer.EnqueueAsync(op).ConfigureAwait(false);
        return (List<DeliveryEntry>)op.Result!;
    }

    private void ApplyStateChange(JournalOp op) => op.Result = ApplyStateChangeLocked(op.Change!);

    private List<DeliveryEntry> ApplyStateChangeLocked(StateChange change)
    {
        var changed = new List<DeliveryEntry>(change.Capabilities.Length);
        foreach (var capability in change.Capabilities)
        {
            if (_deliveries.TryGetValue(capability, out var d) && TransitionLocked(d, change.To, change.AtMs))
            {
                changed.Add(d);
            }
        }

        return changed;
    }
}
