using System.Collections.Concurrent;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

public sealed partial class PullWorker
{
    // Failures so far of each pull waiting for its next try; removed when it ends otherwise or is given up.
    private readonly ConcurrentDictionary<FetchCapability, int> _retries = new();
    private long _retriesScheduled;
    private long _retriesExhausted;
    private long _outstanding;
    private long _deferred;

    /// <summary>Queued pulls given another try after they failed (<see cref="PullOutcome.Failed"/>, <see cref="PullOutcome.DescriptorUnavailable"/>).</summary>
    public long RetriesScheduled => Interlocked.Read(ref _retriesScheduled);

    /// <summary>Failed pulls not tried again because the next try would come after their transit expiry (the reference stays pending for a client until then).</summary>
    public long RetriesExhausted => Interlocked.Read(ref _retriesExhausted);

    /// <summary>Failed pulls waiting for their next try.</summary>
    public int RetriesWaiting => _retries.Count;

    /// <summary>Pulls queued or running (not those waiting for a retry): zero when the worker is idle.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    private static bool Retryable(PullOutcome outcome) => outcome is PullOutcome.Failed or PullOutcome.DescriptorUnavailable;

    /// <summary>
    /// After a queued pull: one that failed for a reason that may pass (the sender down, its descriptor not resolvable) is
    /// queued again after a capped exponential backoff with jitter, for as long as its reference lives; the rest are done.
    /// </summary>
    private void AfterPull(RecipientHash hash, PendingReference reference, PullOutcome outcome)
    {
        if (outcome == PullOutcome.InProgress)
        {
            return;
        }

        var capability = reference.Capability;
        if (!Retryable(outcome) || _options.RetryBackoff == TimeSpan.Zero || _stopping.IsCancellationRequested)
        {
            _retries.TryRemove(capability, out _);
            return;
        }

        var retry = _retries.AddOrUpdate(capability, 1, static (_, n) => n + 1);
        var delay = _options.RetryWait(retry, Random.Shared.NextDouble());
        if (_time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds() >= reference.TransitExpiryMs)
        {
            _retries.TryRemove(capability, out _);
            _journal?.End(capability);
            Interlocked.Increment(ref _retriesExhausted);
            PullLogMessages.RetriesExhausted(_logger, capability.ToString(), outcome, retry - 1);
            return;
        }

        Interlocked.Increment(ref _retriesScheduled);
        PullLogMessages.RetryScheduled(_logger, capability.ToString(), outcome, retry, (long)delay.TotalMilliseconds);
        _ = RetryAfterAsync(hash, reference, delay);
    }

    private async Task RetryAfterAsync(RecipientHash hash, PendingReference reference, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // Read back from the table: a client may have fetched it, or the sender retracted it, meanwhile. A pull resumed from
        // the journal whose reference the table could not file again (sequence 0) is retried from the journal's copy.
        PendingReference? current;
        try
        {
            var page = reference.Sequence == 0 ? null : _pending.Poll(hash, reference.Sequence - 1, 1);
            current = page is null ? reference : page.References.Count > 0 && page.References[0].Capability == reference.Capability ? page.References[0] : null;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (current is null)
        {
            _retries.TryRemove(reference.Capability, out _);
        }
        else if (!TryEnqueue(hash, current))
        {
            // The queue is full (or closing): wait the next, longer, backoff.
            AfterPull(hash, current, PullOutcome.Failed);
        }
    }
}
