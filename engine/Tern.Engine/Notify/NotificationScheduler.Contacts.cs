namespace Tern.Engine.Notify;

public sealed partial class NotificationScheduler
{
    // The clock's timer for the earliest contact opening records wait for, and that opening (loop thread only).
    private ITimer? _openingTimer;
    private long _openingWakeMs = long.MaxValue;

    /// <summary>
    /// Arms the clock's timer for <paramref name="openMs"/>, a contact opening that records wait for, unless an earlier one
    /// is armed: the loop wakes at the opening instead of up to a tick later (docs/ARCHITECTURE.md §3.8). The round it
    /// runs reads the clock again and sends only once the window is open, so an early wake-up sends nothing. No allocation
    /// once the timer exists.
    /// </summary>
    private void WakeAtOpening(long openMs, long nowMs)
    {
        if (_openingWakeMs > nowMs && _openingWakeMs <= openMs)
        {
            return;
        }

        _openingWakeMs = openMs;
        _openingTimer ??= _time.CreateTimer(static state => ((NotificationScheduler)state!).WakeFromTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _openingTimer.Change(TimeSpan.FromMilliseconds(openMs - nowMs), Timeout.InfiniteTimeSpan);
    }

    private void WakeFromTimer()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the set: nothing to wake.
        }
    }
}
