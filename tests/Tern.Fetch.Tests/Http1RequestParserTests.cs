using System.Text;
using Tern.Transports.Fetch.Http.Http1;

namespace Tern.Fetch.Tests;

/// <summary>The HTTP/1.1 head parser on valid, truncated, random and mutated input: it never throws and never reads past its input.</summary>
public sealed class Http1RequestParserTests
{
    private const string Valid = "GET /v1/blobs/abc?q HTTP/1.1\r\nHost: a.example\r\nRange: bytes=1-2\r\nIf-None-Match: \"x\"\r\nIf-Range: \"y\"\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n";

    [Fact]
    public void A_valid_head_yields_its_parts()
    {
        var bytes = Encoding.ASCII.GetBytes(Valid + "GET /next");
        var request = default(Http1Request);

        Assert.Equal(Http1ParseResult.Complete, Http1RequestParser.Parse(bytes, 8192, ref request, out _));
        Assert.Equal(Http1Method.Get, request.Method);
        Assert.Equal("/v1/blobs/abc", Encoding.ASCII.GetString(request.Path));
        Assert.Equal("bytes=1-2", Encoding.ASCII.GetString(request.Range));
        Assert.Equal("\"x\"", Encoding.ASCII.GetString(request.IfNoneMatch));
        Assert.Equal("\"y\"", Encoding.ASCII.GetString(request.IfRange));
        Assert.False(request.KeepAlive);
        Assert.Equal(Valid.Length, request.HeadLength);
    }

    [Fact]
    public void Every_proper_prefix_of_a_valid_head_is_incomplete()
    {
        var bytes = Encoding.ASCII.GetBytes(Valid);
        for (var length = 0; length < bytes.Length; length++)
        {
            var request = default(Http1Request);
            Assert.Equal(Http1ParseResult.Incomplete, Http1RequestParser.Parse(bytes.AsSpan(0, length), 8192, ref request, out _));
        }
    }

    [Fact]
    public void Empty_lines_before_the_request_line_count_towards_the_head_limit()
    {
        var request = default(Http1Request);
        var head = Encoding.ASCII.GetBytes(Valid);

        // A few are skipped (RFC 9112 §2.2) and counted in the head's length.
        var few = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 10)));
        Assert.Equal(Http1ParseResult.Complete, Http1RequestParser.Parse((byte[])[.. few, .. head], 8192, ref request, out _));
        Assert.Equal(few.Length + head.Length, request.HeadLength);

        // Up to the limit, alone, they wait for more; at the limit they are a head too large, with or without a request after.
        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 4096)));
        Assert.Equal(Http1ParseResult.Incomplete, Http1RequestParser.Parse(flood.AsSpan(0, 8190), 8192, ref request, out _));
        Assert.Equal(Http1ParseResult.Invalid, Http1RequestParser.Parse(flood, 8192, ref request, out var status));
        Assert.Equal(431, status);
        Assert.Equal(Http1ParseResult.Invalid, Http1RequestParser.Parse((byte[])[.. flood, .. head], 8192, ref request, out status));
        Assert.Equal(431, status);
        Assert.Equal(Http1ParseResult.Invalid, Http1RequestParser.Parse((byte[])[.. flood.AsSpan(0, 8192 - head.Length + 2), .. head], 8192, ref request, out status));
        Assert.Equal(431, status);
        Assert.Equal(Http1ParseResult.Complete, Http1RequestParser.Parse((byte[])[.. flood.AsSpan(0, 8192 - head.Length), .. head], 8192, ref request, out _));
    }

    [Fact]
    public void Random_and_mutated_heads_never_throw_and_refusals_carry_a_client_status()
    {
        var random = new Random(7);
        var valid = Encoding.ASCII.GetBytes(Valid);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var m = random.Next(1, 6); m > 0; m--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            var request = default(Http1Request);
            var result = Http1RequestParser.Parse(input, 256, ref request, out var status);
            if (result == Http1ParseResult.Invalid)
            {
                Assert.True(status is 400 or 431 or 505, $"status {status}");
            }
            else if (result == Http1ParseResult.Complete)
            {
                Assert.InRange(request.HeadLength, 4, input.Length);
            }
        }
    }

    [Fact]
    public void Heads_one_byte_away_from_a_valid_one_parse_or_carry_a_client_status()
    {
        Substitutions.EachByte(Encoding.ASCII.GetBytes(Valid), input =>
        {
            var request = default(Http1Request);
            switch (Http1RequestParser.Parse(input, 8192, ref request, out var status))
            {
                case Http1ParseResult.Invalid:
                    Assert.True(status is 400 or 431 or 505, $"status {status}");
                    break;
                case Http1ParseResult.Complete:
                    Assert.InRange(request.HeadLength, 4, input.Length);
                    _ = Http1Work.From(request);
                    break;
            }
        });
    }
}
