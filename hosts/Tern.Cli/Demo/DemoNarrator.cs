using System.Diagnostics;
using System.Globalization;

namespace Tern.Cli.Demo;

/// <summary>The demo's console lines: each step in one short line, stamped with the seconds since the demo began.</summary>
internal sealed class DemoNarrator(TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>One step, as <c>[ 12.3 s] text</c>.</summary>
    public void Step(string text)
    {
        lock (_clock)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:F1} s] {text}"));
            output.Flush();
        }
    }

    /// <summary>A heading for the next group of steps.</summary>
    public void Section(string title)
    {
        lock (_clock)
        {
            output.WriteLine();
            output.WriteLine("== " + title);
            output.Flush();
        }
    }

    /// <summary>Throws a <see cref="DemoException"/> with <paramref name="failure"/> unless <paramref name="condition"/> holds.</summary>
    public static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new DemoException(failure);
        }
    }

    /// <summary>Formats a byte count for people: 52.4 MB, 1.2 kB, 917 B.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:F1} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>Formats a duration for people: 1.42 s or 86 ms.</summary>
    public static string Duration(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:F2} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:F0} ms");
}
