using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tern.Load.Open;

/// <summary>
/// Runs open-model streams together on one timeline: warm-up, measured phase, drain. Once a second it takes each
/// stream's interval (counts and latency), the CPU of the generator and of the watched processes and the probes'
/// counters, writes them to the timeline and prints one progress line; at the end it returns the measured totals.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadRunResult> RunAsync(IReadOnlyList<LoadStream> streams, LoadRunOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        foreach (var stream in streams)
        {
            await stream.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        var second = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + (second / 10);
        var measureFrom = start + (long)(options.Warmup.TotalSeconds * second);
        var end = measureFrom + (long)(options.Duration.TotalSeconds * second);
        var longestTimeout = streams.Max(s => s.Options.Timeout);
        var giveUp = end + (long)((longestTimeout + options.DrainGrace).TotalSeconds * second);
        var previous = new long[streams.Count][];
        for (var i = 0; i < streams.Count; i++)
        {
            previous[i] = new long[6];
            streams[i].Start(start, measureFrom, end, options.Seed + i);
        }

        var probeTotals = new long[options.Probes.Count];
        for (var i = 0; i < probeTotals.Length; i++)
        {
            probeTotals[i] = await options.Probes[i].Read(cancellationToken).ConfigureAwait(false);
        }

        using var timeline = new TimelineWriter(options.TimelinePath, options.Processes, options.Probes);
        var untilStart = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start);
        if (untilStart > TimeSpan.Zero)
        {
            await Task.Delay(untilStart, cancellationToken).ConfigureAwait(false);
        }

        var last = CpuReading.Take(options.Processes);
        CpuReading? atMeasureFrom = options.Warmup == TimeSpan.Zero ? last : null, atEnd = null;
        for (long k = 1; ; k++)
        {
            var tick = start + (k * second);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), tick);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            // Drained is read before the intervals are taken, so nothing a lane records after the last one is lost.
            var drained = tick >= end && streams.All(s => s.Drained);
            var cpu = CpuReading.Take(options.Processes);
            var elapsed = cpu.Seconds(last);
            var phase = tick <= measureFrom ? "warmup" : tick <= end ? "measured" : "drain";
            var generator = (cpu.Generator - last.Generator).TotalSeconds / elapsed * 100;
            var processes = cpu.Processes.Select((time, i) => (time - last.Processes[i]).TotalSeconds / elapsed * 100).ToArray();
            var probes = new double[probeTotals.Length];
            for (var i = 0; i < probes.Length; i++)
            {
                try
                {
                    var total = await options.Probes[i].Read(cancellationToken).ConfigureAwait(false);
                    probes[i] = (total - probeTotals[i]) / elapsed;
                    probeTotals[i] = total;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or FormatException or TaskCanceledException)
                {
                    // A node too busy to answer its admin API in time: the interval shows no rate, the next one catches up.
                    probes[i] = double.NaN;
                }
            }

            var progress = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"[{k,4} s {phase,-8}]"));
            for (var i = 0; i < streams.Count; i++)
            {
                var row = Interval(streams[i], previous[i], k, phase, generator, processes, probes);
                timeline.Write(row);
                progress.Append(CultureInfo.InvariantCulture, $" | {row.Stream} {row.Started / elapsed:F0}/s p99 {row.P99Ms:F2} ms late {row.Late} drop {row.Dropped} err {row.Errors}");
            }

            progress.Append(CultureInfo.InvariantCulture, $" | cpu: generator {generator:F0}%");
            for (var i = 0; i < processes.Length; i++)
            {
                progress.Append(CultureInfo.InvariantCulture, $" {options.Processes[i].Name} {processes[i]:F0}%");
            }

            for (var i = 0; i < probes.Length; i++)
            {
                progress.Append(CultureInfo.InvariantCulture, $" | {options.Probes[i].Name} {probes[i]:F0}/s");
            }

            options.Progress?.WriteLine(progress.ToString());
            last = cpu;
            atMeasureFrom ??= tick >= measureFrom ? cpu : null;
            atEnd ??= tick >= end ? cpu : null;
            if (drained)
            {
                break;
            }

            if (tick > giveUp)
            {
                throw new TimeoutException($"operations still in flight {Stopwatch.GetElapsedTime(end, tick).TotalSeconds:F0} s after the last due send: a lane does not honour its timeout");
            }
        }

        foreach (var stream in streams)
        {
            await stream.DrainAsync().ConfigureAwait(false);
        }

        var results = streams.Select(s =>
        {
            var window = Math.Max(end, s.LastMeasuredStart) - measureFrom;
            return new StreamResult(s.Options, s.Measured, s.Latency.Corrected, s.Latency.Uncorrected, (double)window / second);
        }).ToArray();
        var measured = atEnd!.Seconds(atMeasureFrom!);
        var processCpu = options.Processes.Select((p, i) => (p.Name, atEnd.Processes[i] - atMeasureFrom!.Processes[i])).ToArray();
        return new LoadRunResult(options.Seed, options.Warmup, options.Duration, results, atEnd.Generator - atMeasureFrom!.Generator, processCpu, measured);
    }

    private static TimelineRow Interval(LoadStream stream, long[] previous, long seconds, string phase, double generator, double[] processes, double[] probes)
    {
        stream.Latency.EndInterval();
        var (w, m) = (stream.Warmup, stream.Measured);
        Span<long> now = [w.Scheduled + m.Scheduled, w.Started + m.Started, w.Ok + m.Ok, w.Errors + m.Errors, w.Dropped + m.Dropped, w.Late + m.Late];
        Span<long> delta = stackalloc long[6];
        for (var i = 0; i < 6; i++)
        {
            delta[i] = now[i] - previous[i];
            previous[i] = now[i];
        }

        var interval = stream.Latency.Interval;
        return new TimelineRow(seconds, phase, stream.Options.Name, delta[0], delta[1], delta[2], delta[3], delta[4], delta[5], stream.InFlight,
            StreamResult.Milliseconds(interval, 50), StreamResult.Milliseconds(interval, 99), StreamResult.Milliseconds(interval, 100), generator, processes, probes);
    }
}
