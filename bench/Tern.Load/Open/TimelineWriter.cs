using System.Globalization;
using System.Text;

namespace Tern.Load.Open;

/// <summary>
/// The per-interval timeline as CSV, one row per stream per second: <c>t_s</c> (end of the interval, seconds after the
/// start), <c>phase</c> (warmup, measured, drain), counts of the interval, latency from the due time over the operations
/// answered in it, the generator's and each watched process's CPU in per cent of one core, and each probe's rate.
/// </summary>
internal sealed class TimelineWriter : IDisposable
{
    private readonly StreamWriter? _writer;

    public TimelineWriter(string? path, IReadOnlyList<(string Name, int ProcessId)> processes, IReadOnlyList<TimelineProbe> probes)
    {
        if (path is null)
        {
            return;
        }

        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        var header = new StringBuilder("t_s,phase,stream,scheduled,started,ok,errors,dropped,late,in_flight,p50_ms,p99_ms,max_ms,generator_cpu_pct");
        foreach (var (name, _) in processes)
        {
            header.Append(',').Append(Column(name)).Append("_cpu_pct");
        }

        foreach (var probe in probes)
        {
            header.Append(',').Append(Column(probe.Name)).Append("_per_s");
        }

        _writer.WriteLine(header.ToString());
    }

    public void Write(TimelineRow row)
    {
        if (_writer is null)
        {
            return;
        }

        var line = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        line.Append(inv, $"{row.Seconds},{row.Phase},{row.Stream},{row.Scheduled},{row.Started},{row.Ok},{row.Errors},{row.Dropped},{row.Late},{row.InFlight},");
        line.Append(inv, $"{Number(row.P50Ms)},{Number(row.P99Ms)},{Number(row.MaxMs)},{row.GeneratorCpuPercent:F1}");
        foreach (var cpu in row.ProcessCpuPercent)
        {
            line.Append(inv, $",{cpu:F1}");
        }

        foreach (var rate in row.ProbeRates)
        {
            line.Append(',').Append(double.IsNaN(rate) ? "" : rate.ToString("F0", inv));
        }

        _writer.WriteLine(line.ToString());
    }

    public void Dispose() => _writer?.Dispose();

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Column(string name) => name.Replace('.', '_').Replace('-', '_').Replace(',', '_');
}
