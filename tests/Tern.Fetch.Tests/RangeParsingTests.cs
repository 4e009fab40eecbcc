using Tern.Transports.Fetch.Coverage;
using Tern.Transports.Fetch.Http;

namespace Tern.Fetch.Tests;

/// <summary>The Range header parser and the coverage set, directly.</summary>
public sealed class RangeParsingTests
{
    [Theory]
    [InlineData("bytes=0-99", (int)ByteRangeKind.Partial, 0, 100)]
    [InlineData("bytes=10-", (int)ByteRangeKind.Partial, 10, 1000)]
    [InlineData("bytes=-10", (int)ByteRangeKind.Partial, 990, 1000)]
    [InlineData("bytes=-5000", (int)ByteRangeKind.Partial, 0, 1000)]
    [InlineData("bytes=990-5000", (int)ByteRangeKind.Partial, 990, 1000)]
    [InlineData(" Bytes=5-6 ", (int)ByteRangeKind.Partial, 5, 7)]
    [InlineData("bytes=1000-", (int)ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=-0", (int)ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=99999999999999999999999-", (int)ByteRangeKind.Unsatisfiable, 0, 0)]
    [InlineData("bytes=5-4", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=0-1,3-4", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=x-1", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("bytes=-", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("items=0-1", (int)ByteRangeKind.Whole, 0, 1000)]
    [InlineData("", (int)ByteRangeKind.Whole, 0, 1000)]
    public void Parses_single_ranges_and_ignores_the_rest(string header, int expected, long start, long end)
    {
        var kind = (ByteRangeKind)expected;
        var result = ByteRange.Parse(header, 1000, out var s, out var e);

        Assert.Equal(kind, result);
        if (kind != ByteRangeKind.Unsatisfiable)
        {
            Assert.Equal((start, end), (s, e));
        }
    }

    [Fact]
    public void Random_headers_never_throw_and_stay_inside_the_blob()
    {
        var random = new Random(42);
        const string Alphabet = "bytes=-0123456789, xB";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = i % 3 == 0 ? (char)random.Next(0, 0x3000) : Alphabet[random.Next(Alphabet.Length)];
            }

            var size = random.Next(0, 5000);
            if (ByteRange.Parse(new string(chars), size, out var start, out var end) == ByteRangeKind.Partial)
            {
                Assert.InRange(start, 0, size - 1);
                Assert.InRange(end, start + 1, size);
            }
        }
    }

    [Theory]
    [InlineData("bytes=10-19")]
    [InlineData("bytes=-500")]
    [InlineData("bytes=4990-")]
    public void Headers_one_character_away_from_a_valid_one_stay_inside_the_blob(string valid)
    {
        Substitutions.EachChar(valid, header =>
        {
            if (ByteRange.Parse(header, 5000, out var start, out var end) == ByteRangeKind.Partial)
            {
                Assert.InRange(start, 0, 4999);
                Assert.InRange(end, start + 1, 5000);
            }
        });
    }

    [Fact]
    public void Coverage_set_merges_overlapping_and_adjacent_ranges()
    {
        var set = new ByteRangeSet();

        Assert.False(set.Add(500, 1000, 1000));
        Assert.False(set.Add(0, 100, 1000));
        Assert.False(set.Add(200, 300, 1000));
        Assert.Equal(3, set.Count);
        Assert.False(set.Add(100, 200, 1000));
        Assert.Equal(2, set.Count);
        Assert.True(set.Add(250, 600, 1000));
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void Coverage_set_stays_bounded_against_scattered_ranges()
    {
        var set = new ByteRangeSet();
        for (var i = 0; i < 10_000; i++)
        {
            set.Add(i * 2, (i * 2) + 1, 1_000_000);
        }

        Assert.Equal(ByteRangeSet.MaxRanges, set.Count);
    }
}
