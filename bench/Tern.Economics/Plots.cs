using ScottPlot;

namespace Tern.Economics;

/// <summary>The report's SVG plots (ScottPlot).</summary>
internal static class Plots
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson];

    /// <summary>One bar per label.</summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars)
    {
        var plot = new Plot();
        for (var i = 0; i < bars.Count; i++)
        {
            plot.Add.Bar(new Bar { Position = i, Value = double.IsFinite(bars[i].Value) ? bars[i].Value : 0, FillColor = Palette[i % Palette.Length] });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, bars.Count).Select(i => (double)i)], [.. bars.Select(b => b.Label)]);
        Finish(plot, path, title, yLabel);
    }

    /// <summary>Groups of bars (one group per label, one bar per series).</summary>
    public static void Groups(string path, string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<(string Series, double[] Values)> series)
    {
        var plot = new Plot();
        var width = 0.8 / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                plot.Add.Bar(new Bar { Position = g + ((s - ((series.Count - 1) / 2.0)) * width), Value = series[s].Values[g], Size = width, FillColor = Palette[s % Palette.Length] });
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Series, FillColor = Palette[s % Palette.Length] });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, groups.Count).Select(i => (double)i)], [.. groups]);
        plot.ShowLegend();
        Finish(plot, path, title, yLabel);
    }

    /// <summary>A step line of (x, y) with a vertical marker at <paramref name="marker"/>.</summary>
    public static void Timeline(string path, string title, string xLabel, string yLabel, IReadOnlyList<(double X, double Y)> points, double marker, string markerLabel)
    {
        var plot = new Plot();
        if (points.Count > 0)
        {
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.MarkerSize = 0;
        }

        var v = plot.Add.VerticalLine(marker);
        v.LabelText = markerLabel;
        v.Color = Colors.Crimson;
        plot.XLabel(xLabel);
        Finish(plot, path, title, yLabel);
    }

    private static void Finish(Plot plot, string path, string title, string yLabel)
    {
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        plot.SaveSvg(path, 720, 420);
    }
}
