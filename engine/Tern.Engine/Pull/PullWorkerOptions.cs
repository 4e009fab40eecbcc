using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>Options of the <see cref="PullWorker"/>.</summary>
public sealed class PullWorkerOptions
{
    /// <summary>Pulls running at once. Defaults to 16.</summary>
    public int MaxConcurrentPulls { get; set; } = 16;

    /// <summary>Pulls waiting in the queue; <see cref="PullWorker.TryEnqueue"/> refuses beyond it. Defaults to 10 000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Pulls of one sender domain that may wait in the queue, so that one domain's campaign cannot fill it and leave no
    /// room for another's (the queue serves sender domains in turn). Defaults to half of <see cref="QueueCapacity"/>'s default.
    /// </summary>
    public int MaxQueuedPerSenderDomain { get; set; } = 5_000;

    /// <summary>
    /// Pulls of one sender domain running at once, so that one domain's campaign cannot hold every slot: the slots it
    /// cannot take stay free for the next domain's pull, which then starts at once instead of after one of the
    /// campaign's pulls ends, and runs beside fewer of them. A domain alone uses this many and no more; the rest wait for
    /// other domains (docs/ARCHITECTURE.md §5.2 says why). 0 takes half of <see cref="MaxConcurrentPulls"/>, rounded up;
    /// <see cref="MaxConcurrentPulls"/> itself lets one domain take every slot. Defaults to 0 (8 of the default 16).
    /// </summary>
    public int MaxConcurrentPerSenderDomain { get; set; }

    /// <summary><see cref="MaxConcurrentPerSenderDomain"/>, with 0 resolved to half of <see cref="MaxConcurrentPulls"/> (at least 1).</summary>
    public int ConcurrentPerSenderDomain => MaxConcurrentPerSenderDomain > 0 ? MaxConcurrentPerSenderDomain : Math.Max(1, (MaxConcurrentPulls + 1) / 2);

    /// <summary>Fetch attempts per source, resumptions included, before the next source is tried. Defaults to 5.</summary>
    public int AttemptsPerSource { get; set; } = 5;

    /// <summary>Pause before the first retry after a cut connection; doubles per retry. Defaults to 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Wait before queueing again a pull that failed (no source reachable, no descriptor); doubles per failure of the same
    /// pull up to <see cref="MaxRetryBackoff"/>, less up to <see cref="RetryJitter"/> of it at random, and stops when the
    /// next try would fall after the reference's transit expiry. Zero turns retries off. Defaults to 30 s.
    /// </summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries of one failed pull. Defaults to 1 hour.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The fraction of each wait taken off at random (0–1), so pulls that failed together do not retry together. Defaults to 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>Agreement keys of gateways whose <c>via_gateway</c> notifications are pulled (§4.7). Defaults to none.</summary>
    public ISet<Bytes32> TrustedGatewayKeys { get; } = new HashSet<Bytes32>();

    /// <summary>
    /// The wait before retry <paramref name="retry"/> (1 for the first) of a failed pull: <see cref="RetryBackoff"/>·2^(retry−1),
    /// capped at <see cref="MaxRetryBackoff"/>, less <see cref="RetryJitter"/>·<paramref name="sample"/> of it.
    /// </summary>
    /// <param name="retry">1 for the first retry.</param>
    /// <param name="sample">A random number in [0, 1).</param>
    public TimeSpan RetryWait(int retry, double sample)
    {
        var doubled = RetryBackoff.Ticks * Math.Pow(2, Math.Clamp(retry - 1, 0, 40));
        var capped = Math.Min(doubled, MaxRetryBackoff.Ticks);
        return TimeSpan.FromTicks((long)(capped * (1 - (RetryJitter * sample))));
    }

    /// <summary>Throws when a setting cannot work.</summary>
    public void Validate()
    {
        if (MaxConcurrentPulls < 1 || QueueCapacity < 1 || AttemptsPerSource < 1 || RetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("PullWorkerOptions: MaxConcurrentPulls, QueueCapacity and AttemptsPerSource must be ≥ 1 and RetryDelay ≥ 0.");
        }

        if (MaxQueuedPerSenderDomain < 1)
        {
            throw new InvalidOperationException("PullWorkerOptions.MaxQueuedPerSenderDomain must be ≥ 1.");
        }

        if (MaxConcurrentPerSenderDomain < 0 || MaxConcurrentPerSenderDomain > MaxConcurrentPulls)
        {
            throw new InvalidOperationException("PullWorkerOptions.MaxConcurrentPerSenderDomain must be between 0 (half of MaxConcurrentPulls) and MaxConcurrentPulls.");
        }

        // One message per property, so that the host's refusal names the key that is wrong.
        if (RetryBackoff < TimeSpan.Zero)
        {
            throw new InvalidOperationException("PullWorkerOptions.RetryBackoff must be ≥ 0 (0: no retries).");
        }

        if (MaxRetryBackoff < RetryBackoff)
        {
            throw new InvalidOperationException("PullWorkerOptions.MaxRetryBackoff must be ≥ RetryBackoff.");
        }

        if (!(RetryJitter is >= 0 and <= 1))
        {
            throw new InvalidOperationException("PullWorkerOptions.RetryJitter must be between 0 and 1.");
        }
    }
}
