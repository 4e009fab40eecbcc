using Tern.Engine.Bulk;

namespace Tern.Bulk.Tests;

/// <summary>The receiver's range set against a byte-per-position model: coverage, holes and reports of holes.</summary>
public sealed class BulkRangeSetTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_inserts_match_a_model_and_holes_are_reported_in_order(int seed)
    {
        const int Size = 5000;
        var random = new Random(seed);
        var set = new BulkRangeSet();
        var model = new bool[Size];
        for (var i = 0; i < 400; i++)
        {
            var start = random.Next(Size);
            var end = Math.Min(Size, start + random.Next(1, 60));
            var fresh = 0;
            for (var p = start; p < end; p++)
            {
                fresh += model[p] ? 0 : 1;
                model[p] = true;
            }

            Assert.Equal(fresh, set.Add(start, end));
            Assert.Equal(model.Count(b => b), set.Covered);
        }

        var expected = Holes(model);
        var reported = new List<(long, long)>();
        long from = 0;
        var buffer = new byte[BulkDatagram.ReportHeaderSize + (7 * BulkDatagram.RangeSize)];
        while (true)
        {
            var count = set.Missing(from, Size, 7, buffer, BulkDatagram.WriteRange, out var next);
            for (var r = 0; r < count; r++)
            {
                BulkDatagram.ReadRange(buffer.AsSpan(BulkDatagram.ReportHeaderSize), r, out var s, out var e);
                reported.Add((s, e));
            }

            if (count < 7)
            {
                break;
            }

            from = next;
        }

        Assert.Equal(expected, reported);
    }

    private static List<(long, long)> Holes(bool[] model)
    {
        var holes = new List<(long, long)>();
        for (var p = 0; p < model.Length;)
        {
            if (model[p])
            {
                p++;
                continue;
            }

            var start = p;
            while (p < model.Length && !model[p])
            {
                p++;
            }

            holes.Add((start, p));
        }

        return holes;
    }
}
