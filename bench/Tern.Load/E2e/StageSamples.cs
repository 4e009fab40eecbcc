using System.Diagnostics;
using System.Text;

namespace Tern.Load.E2e;

/// <summary>
/// Per-message timestamps turned into stage durations: submit (call start → acknowledged), send (→ datagram sealed, about
/// to be handed to the kernel), notify (→ reference filed at the recipient), fetch (→ fetch returned), store (→ durably stored).
/// </summary>
internal sealed class StageSamples(int capacity)
{
    private static readonly string[] Names = ["submit", "send", "notify", "fetch", "store"];
    private readonly List<double> _total = new(capacity);
    private readonly List<double>[] _stages = [new(capacity), new(capacity), new(capacity), new(capacity), new(capacity)];
    private readonly List<(double Total, long Start, long Submitted, long Sent, long Filed, long Fetched, long Stored)> _messages = new(capacity);

    /// <summary>Adds one message; a stage whose stamp is missing (0) is left out of that stage only.</summary>
    public void Add(long start, long submitted, long sent, long filed, long fetched, long stored)
    {
        var total = Stopwatch.GetElapsedTime(start, stored).TotalMilliseconds;
        _total.Add(total);
        _messages.Add((total, start, submitted, sent, filed, fetched, stored));
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

    /// <summary>The <paramref name="n"/> slowest messages, each as <c>total=stage/stage/stage/stage/stage</c> in ms (stage order as above).</summary>
    public string FormatSlowest(int n)
    {
        var slowest = _messages.ToArray();
        Array.Sort(slowest, static (a, b) => b.Total.CompareTo(a.Total));
        var text = new StringBuilder();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (var i = 0; i < Math.Min(n, slowest.Length); i++)
        {
            var m = slowest[i];
            ReadOnlySpan<long> marks = [m.Start, m.Submitted, m.Sent, m.Filed, m.Fetched, m.Stored];
            text.Append(inv, $"{m.Total:F1}=");
            for (var s = 0; s < Names.Length; s++)
            {
                var ms = marks[s] != 0 && marks[s + 1] != 0 ? Stopwatch.GetElapsedTime(marks[s], marks[s + 1]).TotalMilliseconds : double.NaN;
                text.Append(inv, $"{ms:F1}").Append(s + 1 < Names.Length ? "/" : " ");
            }
        }

        return text.ToString().TrimEnd();
    }
}
