using System.Diagnostics;

namespace Tern.Load.E2e;

/// <summary>Per message: total (POST start → bob has it), submit (→ POST answered), seen (answered → bob has it).</summary>
internal sealed class MessageSamples(int capacity)
{
    private readonly List<double> _total = new(capacity);
    private readonly List<double> _submit = new(capacity);
    private readonly List<double> _seen = new(capacity);

    public void Add(long start, long submitted, long seen)
    {
        _total.Add(Stopwatch.GetElapsedTime(start, seen).TotalMilliseconds);
        _submit.Add(Stopwatch.GetElapsedTime(start, submitted).TotalMilliseconds);
        _seen.Add(Stopwatch.GetElapsedTime(submitted, seen).TotalMilliseconds);
    }

    public Percentiles Total() => new(_total);

    public Percentiles Submit() => new(_submit);

    public Percentiles Seen() => new(_seen);
}
