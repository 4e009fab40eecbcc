using System.Diagnostics;

namespace Tern.LinkEmulator;

/// <summary>
/// One dedicated thread that delivers queued datagrams at their due <see cref="Stopwatch"/> timestamps, in due order
/// (ties in arrival order). Task.Delay per datagram is too coarse (about 1 ms, and an allocation each) for 20 Mbit/s,
/// where a 1 KiB datagram leaves every 0.4 ms: the thread sleeps on a monitor until about a millisecond before the next
/// due time, then yields the processor in a loop (spinning only when nothing else wants it), so deliveries land within
/// tens of microseconds of their time on an idle machine without starving the relays' own threads on a busy one.
/// </summary>
internal sealed class PacingThread : IDisposable
{
    private static readonly long SpinThreshold = Stopwatch.Frequency / 1000 * 3 / 2;
    private readonly PriorityQueue<ScheduledDelivery, (long Due, long Sequence)> _queue = new();
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _sequence;
    private bool _stopping;

    public PacingThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="delivery"/> for real timestamp <paramref name="due"/>.</summary>
    public void Schedule(long due, in ScheduledDelivery delivery)
    {
        lock (_gate)
        {
            var wake = due < PeekDue();
            _queue.Enqueue(delivery, (due, _sequence++));
            if (wake)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private long PeekDue() => _queue.TryPeek(out _, out var priority) ? priority.Due : long.MaxValue;

    private void Run()
    {
        while (true)
        {
            ScheduledDelivery next;
            lock (_gate)
            {
                while (true)
                {
                    if (_stopping)
                    {
                        return;
                    }

                    var due = PeekDue();
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait <= 0)
                    {
                        next = _queue.Dequeue();
                        break;
                    }

                    if (wait > SpinThreshold)
                    {
                        var ms = due == long.MaxValue ? Timeout.Infinite : (int)Math.Min(int.MaxValue, (wait - SpinThreshold / 2) * 1000 / Stopwatch.Frequency);
                        Monitor.Wait(_gate, ms);
                    }
                    else
                    {
                        // Close to the due time: give the lock up so producers can queue, and the processor to
                        // whoever wants it, without sleeping (a sleep lasts a millisecond or more).
                        Monitor.Exit(_gate);
                        if (!Thread.Yield())
                        {
                            Thread.SpinWait(20);
                        }

                        Monitor.Enter(_gate);
                    }
                }
            }

            next.Sink.Deliver(next.Buffer, next.Length);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }
}
