namespace Tern.Node;

/// <summary>What the pending table's upkeep has done since the node started (read by the admin surface and tests).</summary>
public sealed class PendingMaintenanceCounters
{
    private long _checkpoints;
    private long _fullCheckpoints;
    private long _sweeps;
    private long _expired;
    private long _failures;

    /// <summary>Periodic checkpoints taken (full ones included).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Periodic checkpoints that wrote the hash indexes too.</summary>
    public long FullCheckpoints => Interlocked.Read(ref _fullCheckpoints);

    /// <summary>Expiry sweeps run.</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    /// <summary>References the sweeps removed as expired.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Checkpoints or sweeps that failed (each logged).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    internal void Checkpointed(bool full)
    {
        Interlocked.Increment(ref _checkpoints);
        if (full)
        {
            Interlocked.Increment(ref _fullCheckpoints);
        }
    }

    internal void Swept(int expired)
    {
        Interlocked.Increment(ref _sweeps);
        Interlocked.Add(ref _expired, expired);
    }

    internal void Failed() => Interlocked.Increment(ref _failures);
}
