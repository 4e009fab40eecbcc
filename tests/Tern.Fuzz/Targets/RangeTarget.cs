using System.Text;
using Tern.Transports.Fetch.Http;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The Range and conditional headers both HTTP doors plan an answer from (docs/PROTOCOL.md §8.1, RFC 9110 §13–14): the
/// input is up to three lines, Latin-1 — the <c>Range</c> value, the <c>If-Range</c> value, the <c>If-None-Match</c>
/// value — planned against blobs of 0, 1, 49 and <see cref="long.MaxValue"/> bytes. A partial answer must lie inside the
/// blob and be non-empty.
/// </summary>
internal sealed class RangeTarget : IFuzzTarget
{
    private static readonly long[] Sizes = [0, 1, 49, long.MaxValue];
    private char[] _text = new char[1024];

    public string Name => "range";

    public string Covers => "HTTP Range, If-Range and If-None-Match: ByteRange.Parse and BlobResponsePlan.Make against several blob sizes";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (_text.Length < input.Length)
        {
            _text = new char[Math.Max(input.Length, _text.Length * 2)];
        }

        var text = _text.AsSpan(0, Encoding.Latin1.GetChars(input, _text));
        var range = NextLine(ref text);
        var ifRange = NextLine(ref text);
        var ifNoneMatch = text;
        foreach (var size in Sizes)
        {
            ByteRange.Parse(range, size, out _, out _);
            CheckPlan(BlobResponsePlan.Make(size, Http1Target.ETag, default, hasRange: true, range, hasIfRange: false, default), size);
            CheckPlan(BlobResponsePlan.Make(size, Http1Target.ETag, ifNoneMatch, hasRange: true, range, hasIfRange: !ifRange.IsEmpty, ifRange), size);
        }
    }

    /// <summary>Throws when <paramref name="plan"/> is not a possible answer for a blob of <paramref name="size"/> bytes.</summary>
    public static void CheckPlan(BlobResponsePlan plan, long size)
    {
        var ok = plan.Answer switch
        {
            BlobAnswer.Partial => plan.Start >= 0 && plan.Start < plan.End && plan.End <= size,
            BlobAnswer.Whole or BlobAnswer.NotModified => plan.Start == 0 && plan.End == size,
            _ => true,
        };
        if (!ok)
        {
            throw new FuzzContractException($"plan {plan} for a blob of {size} bytes");
        }
    }

    private static ReadOnlySpan<char> NextLine(ref Span<char> text)
    {
        var end = text.IndexOf('\n');
        if (end < 0)
        {
            var all = text;
            text = default;
            return all;
        }

        var line = text[..end];
        text = text[(end + 1)..];
        return line;
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return Text("closed", "bytes=0-9");
        yield return Text("open", "bytes=10-");
        yield return Text("suffix", "bytes=-5");
        yield return Text("several", "bytes=0-0, 2-3");
        yield return Text("if-range", "Bytes = 1 - 2 \n" + Http1Target.ETag + "\nW/" + Http1Target.ETag + ", *");
        yield return Text("huge", "bytes=99999999999999999999-");
    }

    private static Seed Text(string name, string text) => new(name, Encoding.Latin1.GetBytes(text));
}
