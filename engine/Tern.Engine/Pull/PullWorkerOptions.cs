using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>Options of the <see cref="PullWorker"/>.</summary>
public sealed class PullWorkerOptions
{
    /// <summary>Pulls running at once. Defaults to 16.</summary>
    public int MaxConcurrentPulls { get; set; } = 16;

    /// <summary>Pulls waiting in the queue; <see cref="PullWorker.TryEnqueue"/> refuses beyond it. Defaults to 10 000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Fetch attempts per source, resumptions included, before the next source is tried. Defaults to 5.</summary>
    public int AttemptsPerSource { get; set; } = 5;

    /// <summary>Pause before the first retry after a cut connection; doubles per retry. Defaults to 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Agreement keys of gateways whose <c>via_gateway</c> notifications are pulled (§4.7). Defaults to none.</summary>
    public ISet<Bytes32> TrustedGatewayKeys { get; } = new HashSet<Bytes32>();

    /// <summary>Throws when a setting cannot work.</summary>
    public void Validate()
    {
        if (MaxConcurrentPulls < 1 || QueueCapacity < 1 || AttemptsPerSource < 1 || RetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("PullWorkerOptions: MaxConcurrentPulls, QueueCapacity and AttemptsPerSource must be ≥ 1 and RetryDelay ≥ 0.");
        }
    }
}
