using System.Globalization;

namespace Tern.Load.E2e;

/// <summary>Nearest-rank percentiles of a set of latencies in milliseconds.</summary>
internal sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> milliseconds)
    {
        _sorted = [.. milliseconds];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double this[double percentile] => _sorted.Length == 0
        ? double.NaN
        : _sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    /// <summary><c>prefix_p50_ms=… prefix_p90_ms=… prefix_p99_ms=… prefix_max_ms=…</c> (no prefix: <c>p50_ms=…</c>).</summary>
    public string Format(string prefix = "")
    {
        var p = prefix.Length == 0 ? "" : prefix + "_";
        return string.Create(CultureInfo.InvariantCulture, $"{p}p50_ms={this[50]:F3} {p}p90_ms={this[90]:F3} {p}p99_ms={this[99]:F3} {p}max_ms={Max:F3}");
    }
}
