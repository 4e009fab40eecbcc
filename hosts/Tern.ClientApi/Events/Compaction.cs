namespace Tern.ClientApi.Events;

/// <summary>A compaction asked of the event log's writer (<see cref="EventLog.CompactAsync"/>): what to keep, and who waits.</summary>
/// <param name="Retention">Events older than this are dropped.</param>
/// <param name="MinEventsPerUser">However old, each user keeps at least this many of their last events (at least 1, so no user's sequences restart).</param>
internal sealed record Compaction(TimeSpan Retention, int MinEventsPerUser)
{
    /// <summary>Completes with the events dropped (0 when none was old enough to drop, and the file was left alone).</summary>
    public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
