using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// The HTTP door's rules that docs/PROTOCOL.md §8.1 and §8.6 settle — caching headers to the second, suffix ranges, the
/// 404's fields, the answer to a malformed request — on both HTTP/1.1 implementations.
/// </summary>
public sealed class HttpDoorRuleTests
{
    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task Max_age_and_expires_count_whole_seconds_so_that_date_plus_max_age_is_expires_8_1(Http1Implementation implementation)
    {
        // Now is 0.9 s into a second and the expiry 0.5 s into one: the fractions must not leave a cache a second too long.
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var time = new ManualClock(second.AddMilliseconds(900));
        await using var f = await FetchFixture.StartAsync(time: time);
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(100, 31), expiry: second.AddDays(1).AddMilliseconds(500));
        using var client = f.HttpClient();

        using var response = await client.GetAsync(new Uri(f.Http1Of(implementation), "/v1/blobs/" + cap));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl!.MaxAge);
        Assert.Equal(second.AddDays(1).ToString("R", CultureInfo.InvariantCulture), Assert.Single(response.Content.Headers.GetValues("Expires")));
        if (implementation == Http1Implementation.Tern)
        {
            // Kestrel's Date follows the machine's clock, not the test's.
            Assert.Equal(second, response.Headers.Date);
            Assert.Equal(response.Content.Headers.Expires, response.Headers.Date + response.Headers.CacheControl.MaxAge);
        }
    }

    [Theory]
    [InlineData("bytes=-5000", 1000, HttpStatusCode.PartialContent, "bytes 0-999/1000")]
    [InlineData("bytes=-1000", 1000, HttpStatusCode.PartialContent, "bytes 0-999/1000")]
    [InlineData("bytes=-1", 1000, HttpStatusCode.PartialContent, "bytes 999-999/1000")]
    [InlineData("bytes=-0", 1000, HttpStatusCode.RequestedRangeNotSatisfiable, "bytes */1000")]
    [InlineData("bytes=-5", 0, HttpStatusCode.RequestedRangeNotSatisfiable, "bytes */0")]
    [InlineData("bytes=0-", 0, HttpStatusCode.RequestedRangeNotSatisfiable, "bytes */0")]
    public async Task Suffix_ranges_and_ranges_of_an_empty_blob_8_1(string range, int size, HttpStatusCode status, string contentRange)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(size, 32);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient();
        foreach (var implementation in new[] { Http1Implementation.Tern, Http1Implementation.Kestrel })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(f.Http1Of(implementation), "/v1/blobs/" + cap));
            request.Headers.TryAddWithoutValidation("Range", range);

            using var response = await client.SendAsync(request);

            Assert.Equal(status, response.StatusCode);
            Assert.Equal(contentRange, Assert.Single(response.Content.Headers.GetValues("Content-Range")));
            if (status == HttpStatusCode.PartialContent)
            {
                var from = int.Parse(contentRange.AsSpan(6, contentRange.IndexOf('-', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture);
                Assert.Equal(content[from..], await response.Content.ReadAsByteArrayAsync());
            }
        }
    }

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task The_404_carries_date_and_no_field_that_depends_on_the_request_8_6_6(Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();

        var answer = await ExchangeAsync(f.Http1Of(implementation), $"GET /v1/blobs/{FetchCapability.NewRandom()} HTTP/1.1\r\nHost: x\r\n\r\n", close: false);
        var (status, fields) = Head(answer);

        Assert.Equal("HTTP/1.1 404 Not Found", status);
        Assert.Equal(["cache-control", "content-length", "date"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("no-store", "0"), (fields["cache-control"], fields["content-length"]));
        Assert.True(DateTimeOffset.TryParseExact(fields["date"], "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), fields["date"]);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", Http1Implementation.Tern)]
    [InlineData("GARBAGE\r\n\r\n", Http1Implementation.Kestrel)]
    [InlineData("GET /v1/blobs/x HTTP/1.1\r\nHost : x\r\n\r\n", Http1Implementation.Tern)]
    [InlineData("GET /v1/blobs/x HTTP/1.1\r\nHost : x\r\n\r\n", Http1Implementation.Kestrel)]
    [InlineData("GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", Http1Implementation.Tern)]
    [InlineData("GET /v1/blobs/x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", Http1Implementation.Kestrel)]
    public async Task A_malformed_request_gets_400_with_close_and_nothing_pipelined_behind_it_is_answered_8_6_8(string malformed, Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 33));

        var answer = await ExchangeAsync(f.Http1Of(implementation), malformed + $"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: x\r\n\r\n", close: true);
        var (status, fields) = Head(answer);

        Assert.Equal("HTTP/1.1 400 Bad Request", status);
        Assert.Equal("close", fields["connection"]);
        Assert.Equal("0", fields["content-length"]);
        Assert.True(fields.ContainsKey("date"));
        Assert.Single(answer.Split("HTTP/1.1 "), part => part.Length > 0);
        Assert.EndsWith("\r\n\r\n", answer, StringComparison.Ordinal);
    }

    /// <summary>Sends <paramref name="request"/> on a fresh connection; reads one response head, or everything until the server closes.</summary>
    private static async Task<string> ExchangeAsync(Uri door, string request, bool close)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, door.Port));
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new StringBuilder();
        var buffer = new byte[4096];
        while (close || !all.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            all.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return all.ToString();
    }

    /// <summary>The status line and the fields (names lower-cased) of the first response head in <paramref name="answer"/>.</summary>
    private static (string Status, Dictionary<string, string> Fields) Head(string answer)
    {
        var lines = answer[..answer.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields.Add(line[..colon].ToLowerInvariant(), line[(colon + 1)..].Trim());
        }

        return (lines[0], fields);
    }
}
