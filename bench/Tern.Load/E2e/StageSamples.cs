using System.Diagnostics;
using System.Text;

namespace Tern.Load.E2e;

/// <summary>
/// Per-message timestamps turned into stage durations: submit (call start → acknowledged), send (→ datagram handed to
/// the kernel), notify (→ reference filed at the recipient), fetch (→ fetch returned), store (→ durably stored).
/// </summary>
internal sealed class StageSamples(int capacity)
{
    private static readonly string[] Names = ["submit", "send", "notify", "fetch", "store"];
    private readonly List<double> _total = new(capacity);
    private readonly List<double>[] _stages = [new(capacity), new(capacity), new(capacity), new(capacity), new(capacity)];

    /// <summary>Adds one message; a stage whose stamp is missing (0) is left out of that stage only.</summary>
    public void Add(long start, long submitted, long sent, long filed, long fetched, long stored)
    {
        _total.Add(Stopwatch.GetElapsedTime(start, stored).TotalMilliseconds);
        ReadOnlySpan<long> marks = [start, submitted, sent, filed, fetched, stored];
        for (var i = 0; i < _stages.Length; i++)
        {
            if (marks[i] != 0 && marks[i + 1] != 0)
            {
                _stages[i].Add(Stopwatch.GetElapsedTime(marks[i], marks[i + 1]).TotalMilliseconds);
            }
        }
    }

    public Percentiles Total() => new(_total);

    /// <summary><c>submit_p50_ms=… submit_p90_ms=… … store_p90_ms=…</c></summary>
    public string FormatStages()
    {
        var text = new StringBuilder();
        for (var i = 0; i < _stages.Length; i++)
        {
            var stage = new Percentiles(_stages[i]);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Names[i]}_p50_ms={stage[50]:F3} {Names[i]}_p90_ms={stage[90]:F3} ");
        }

        return text.ToString().TrimEnd();
    }
}
