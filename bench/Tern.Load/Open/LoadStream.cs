using System.Diagnostics;
using System.Threading.Channels;

namespace Tern.Load.Open;

/// <summary>
/// One open-model stream: a dispatcher thread releases sends at their due times (<see cref="ArrivalSchedule"/>) into a
/// queue whatever the answers do, and <see cref="LoadStreamOptions.Lanes"/> lanes take them one at a time. A send due
/// while <see cref="LoadStreamOptions.MaxInFlight"/> are queued or running is dropped. Each answered operation is timed
/// twice: from its due time (corrected for coordinated omission: a send that waited for a lane, or for the dispatcher,
/// carries that wait) and from the moment a lane started it (uncorrected, what a closed-loop client would report).
/// </summary>
internal sealed class LoadStream
{
    private readonly LoadStreamOptions _options;
    private readonly ILoadTarget _target;
    private readonly Channel<ScheduledSend> _queue = Channel.CreateUnbounded<ScheduledSend>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly long _lateTicks;
    private readonly List<ILoadLane> _lanes = [];
    private Task _running = Task.CompletedTask;
    private long _inFlight;
    private long _lastMeasuredStart;

    public LoadStream(LoadStreamOptions options, ILoadTarget target)
    {
        options.Validate();
        _options = options;
        _target = target;
        _lateTicks = (long)(options.LateThreshold.TotalSeconds * Stopwatch.Frequency);
    }

    public LoadStreamOptions Options => _options;

    public StreamCounters Warmup { get; } = new();

    public StreamCounters Measured { get; } = new();

    public LatencyHistograms Latency { get; } = new();

    /// <summary>Operations due and not finished now (queued or running).</summary>
    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When the last send of the measured phase was started by a lane (a timestamp; 0 before any).</summary>
    public long LastMeasuredStart => Volatile.Read(ref _lastMeasuredStart);

    /// <summary>Whether the dispatcher ended and every lane finished its last operation.</summary>
    public bool Drained => _running.IsCompleted;

    /// <summary>Opens the lanes (connections) before the clock starts.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _options.Lanes; i++)
        {
            _lanes.Add(await _target.OpenLaneAsync(i, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Starts the timeline at <paramref name="start"/>: sends due before <paramref name="measureFrom"/> are warm-up, those
    /// due before <paramref name="end"/> are measured, none after. <paramref name="seed"/> fixes the Poisson gaps.
    /// </summary>
    public void Start(long start, long measureFrom, long end, int seed)
    {
        var lanes = new Task[_lanes.Count];
        for (var i = 0; i < lanes.Length; i++)
        {
            var lane = _lanes[i];
            lanes[i] = Task.Run(() => RunLaneAsync(lane));
        }

        var schedule = new ArrivalSchedule(_options.Rate, _options.Arrival, seed);
        var dispatcher = new Thread(() => Dispatch(schedule, start, measureFrom, end)) { IsBackground = true, Name = "load " + _options.Name };
        dispatcher.Start();
        _running = Task.WhenAll(lanes);
    }

    /// <summary>Waits until every due send was answered, dropped or timed out; then closes the lanes.</summary>
    public async Task DrainAsync()
    {
        await _running.ConfigureAwait(false);
        foreach (var lane in _lanes)
        {
            await lane.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(ArrivalSchedule schedule, long start, long measureFrom, long end)
    {
        var writer = _queue.Writer;
        for (long sequence = 0; ; sequence++)
        {
            var due = start + schedule.Next();
            if (due >= end)
            {
                break;
            }

            MonotonicSleep.Until(due);
            var send = new ScheduledSend(sequence, due, due >= measureFrom);
            var counters = send.Measured ? Measured : Warmup;
            counters.AddScheduled();
            if (Volatile.Read(ref _inFlight) >= _options.MaxInFlight)
            {
                counters.AddDropped();
                continue;
            }

            Interlocked.Increment(ref _inFlight);
            writer.TryWrite(send);
        }

        writer.Complete();
    }

    private async Task RunLaneAsync(ILoadLane lane)
    {
        var reader = _queue.Reader;
        var deadline = new CancellationTokenSource();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var send))
                {
                    var started = Stopwatch.GetTimestamp();
                    var counters = send.Measured ? Measured : Warmup;
                    counters.AddStarted(started - send.Due > _lateTicks);
                    if (send.Measured)
                    {
                        RaiseTo(ref _lastMeasuredStart, started);
                    }

                    LoadOutcome outcome;
                    deadline.CancelAfter(_options.Timeout);
                    try
                    {
                        outcome = await lane.SendAsync(send.Sequence, deadline.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        outcome = LoadOutcome.Error(ErrorClasses.Classify(e, deadline.IsCancellationRequested));
                    }

                    var done = Stopwatch.GetTimestamp();
                    if (outcome.IsOk)
                    {
                        Latency.Record(send.Measured, Microseconds(done - send.Due), Microseconds(done - started));
                    }

                    counters.AddOutcome(outcome);
                    Interlocked.Decrement(ref _inFlight);
                    if (!deadline.TryReset())
                    {
                        deadline.Dispose();
                        deadline = new CancellationTokenSource();
                    }
                }
            }
        }
        finally
        {
            deadline.Dispose();
        }
    }

    private static long Microseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    private static void RaiseTo(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
