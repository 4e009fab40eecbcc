using System.Collections.Concurrent;

namespace Tern.Load.Open;

/// <summary>
/// A stream's counts for one phase (warm-up or measured), by the due time of each send. Once a run has drained,
/// <see cref="Scheduled"/> = <see cref="Ok"/> + <see cref="Errors"/> + <see cref="Dropped"/>.
/// </summary>
internal sealed class StreamCounters
{
    private readonly ConcurrentDictionary<string, long> _errorClasses = new(StringComparer.Ordinal);
    private long _scheduled;
    private long _dropped;
    private long _started;
    private long _late;
    private long _ok;
    private long _errors;

    /// <summary>Sends the timeline asked for.</summary>
    public long Scheduled => Volatile.Read(ref _scheduled);

    /// <summary>Sends not made because the in-flight bound was reached.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Sends a lane started.</summary>
    public long Started => Volatile.Read(ref _started);

    /// <summary>Sends started more than the late threshold after their due time.</summary>
    public long Late => Volatile.Read(ref _late);

    public long Ok => Volatile.Read(ref _ok);

    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Errors by class, ordered by count.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ErrorClasses() => [.. _errorClasses.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal)];

    public void AddScheduled() => Interlocked.Increment(ref _scheduled);

    public void AddDropped() => Interlocked.Increment(ref _dropped);

    public void AddStarted(bool late)
    {
        Interlocked.Increment(ref _started);
        if (late)
        {
            Interlocked.Increment(ref _late);
        }
    }

    public void AddOutcome(LoadOutcome outcome)
    {
        if (outcome.IsOk)
        {
            Interlocked.Increment(ref _ok);
            return;
        }

        Interlocked.Increment(ref _errors);
        _errorClasses.AddOrUpdate(outcome.ErrorClass!, 1, static (_, count) => count + 1);
    }
}
