using System.Net;
using System.Net.Http.Headers;
using Tern.Engine.Protocol;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// The HTTP door (docs/PROTOCOL.md §8.1) over HTTP/1.1 (Tern's own door and Kestrel's, plain and TLS), h2c and h2 over
/// TLS, against a real server: both HTTP/1.1 implementations must answer alike.
/// </summary>
public sealed class HttpDoorTests
{
    public static TheoryData<string> Versions() => new() { "http1", "http1-kestrel", "h2c", "h2-tls", "http1-tls", "http1-tls-kestrel" };

    private static (HttpClient Client, Uri Base, Version Version) Client(FetchFixture f, string version) => version switch
    {
        "http1" => (f.HttpClient(HttpVersion.Version11), f.Http, HttpVersion.Version11),
        "http1-kestrel" => (f.HttpClient(HttpVersion.Version11), f.HttpKestrel, HttpVersion.Version11),
        "h2c" => (f.HttpClient(HttpVersion.Version20), f.H2c, HttpVersion.Version20),
        "h2-tls" => (f.HttpClient(HttpVersion.Version20), f.Https, HttpVersion.Version20),
        "http1-tls" => (f.HttpClient(HttpVersion.Version11), f.Https1, HttpVersion.Version11),
        _ => (f.HttpClient(HttpVersion.Version11), f.Https, HttpVersion.Version11),
    };

    private static Uri BlobUri(Uri baseUri, FetchCapability cap) => new(baseUri, "/v1/blobs/" + cap);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Get_returns_the_blob_with_protocol_headers(string version)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(70_000, 1);
        var (cap, result) = await f.SubmitAsync(content, mime: "message/tern");
        var (client, baseUri, expected) = Client(f, version);
        using var _ = client;

        using var response = await client.GetAsync(BlobUri(baseUri, cap));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Version);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("\"" + FetchFixture.Hash(content) + "\"", response.Headers.ETag!.Tag);
        Assert.False(response.Headers.ETag.IsWeak);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.InRange(cache.MaxAge!.Value.TotalSeconds, 86_000, 86_400);
        Assert.Equal(result.TransitExpiry.ToUnixTimeSeconds(), response.Content.Headers.Expires!.Value.ToUnixTimeSeconds());
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("message/tern", Assert.Single(response.Headers.GetValues("Tern-Mime-Hint")));
        Assert.Equal(content.Length, response.Content.Headers.ContentLength);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Range_gives_206_with_content_range(string version)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(50_000, 2);
        var (cap, _) = await f.SubmitAsync(content);
        var (client, baseUri, _) = Client(f, version);
        using var __ = client;

        async Task<(HttpStatusCode, byte[], ContentRangeHeaderValue?)> Get(RangeHeaderValue range)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(baseUri, cap)) { Version = client.DefaultRequestVersion, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Headers = { Range = range } };
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentRange);
        }

        var (s1, b1, r1) = await Get(new RangeHeaderValue(100, 199));
        var (s2, b2, r2) = await Get(new RangeHeaderValue(49_000, null));
        var (s3, b3, _) = await Get(new RangeHeaderValue(null, 10));
        var (s4, b4, _) = await Get(new RangeHeaderValue(49_990, 1_000_000));

        Assert.All([s1, s2, s3, s4], s => Assert.Equal(HttpStatusCode.PartialContent, s));
        Assert.Equal(content[100..200], b1);
        Assert.Equal((100L, 199L, 50_000L), (r1!.From!.Value, r1.To!.Value, r1.Length!.Value));
        Assert.Equal(content[49_000..], b2);
        Assert.Equal(49_000L, r2!.From);
        Assert.Equal(content[^10..], b3);
        Assert.Equal(content[49_990..], b4);
    }

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task Unsatisfiable_range_gives_416_with_the_size(Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 3));
        using var client = f.HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(f.Http1Of(implementation), cap)) { Headers = { Range = new RangeHeaderValue(1000, null) } };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */1000", response.Content.Headers.GetValues("Content-Range").Single());
    }

    [Theory]
    [InlineData("bytes=0-1,5-9", Http1Implementation.Tern)]
    [InlineData("bytes=0-1,5-9", Http1Implementation.Kestrel)]
    [InlineData("items=0-5", Http1Implementation.Tern)]
    [InlineData("items=0-5", Http1Implementation.Kestrel)]
    [InlineData("bytes=9-5", Http1Implementation.Tern)]
    [InlineData("bytes=9-5", Http1Implementation.Kestrel)]
    [InlineData("bytes=abc", Http1Implementation.Tern)]
    [InlineData("bytes=abc", Http1Implementation.Kestrel)]
    public async Task Unusable_range_header_is_ignored_and_the_whole_blob_served(string range, Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(1000, 4);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(f.Http1Of(implementation), cap));
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Head_gives_the_headers_without_a_body(string version)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(4321, 5);
        var (cap, _) = await f.SubmitAsync(content);
        var (client, baseUri, _) = Client(f, version);
        using var __ = client;

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, BlobUri(baseUri, cap)) { Version = client.DefaultRequestVersion, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4321, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("\"" + FetchFixture.Hash(content) + "\"", response.Headers.ETag!.Tag);
        Assert.Equal(Tern.Engine.Transit.DeliveryState.Outstanding, f.StateOf(cap));
    }

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task If_none_match_with_the_etag_gives_304(Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(100, 6);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, BlobUri(f.Http1Of(implementation), cap));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"" + FetchFixture.Hash(content) + "\""));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task Unknown_expired_retracted_and_malformed_capabilities_get_the_identical_404(Http1Implementation implementation)
    {
        var time = new ManualClock(DateTimeOffset.UtcNow);
        await using var f = await FetchFixture.StartAsync(time: time);
        var (expiring, _) = await f.SubmitAsync(FetchFixture.Bytes(100, 7), expiry: time.GetUtcNow().AddHours(1));
        var (retracted, submission) = await f.SubmitAsync(FetchFixture.Bytes(100, 8));
        await f.Store.RetractAsync(submission.MessageId, "alice");
        time.Advance(TimeSpan.FromHours(2));
        using var client = f.HttpClient();
        string[] paths =
        [
            "/v1/blobs/" + FetchCapability.NewRandom(),
            "/v1/blobs/" + expiring,
            "/v1/blobs/" + retracted,
            "/v1/blobs/not-base64url-at-all!!",
            "/v1/blobs/" + new string('A', 42),
            "/v1/blobs/" + new string('A', 44),
            "/v1/blobs/",
            "/v1/blobs/" + FetchCapability.NewRandom() + "/extra",
        ];

        var answers = new List<string>();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(new Uri(f.Http1Of(implementation), path));
            var headers = response.Headers.Concat(response.Content.Headers)
                .Where(h => h.Key != "Date")
                .OrderBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => h.Key + ": " + string.Join(",", h.Value));
            answers.Add((int)response.StatusCode + "|" + string.Join("|", headers) + "|" + Convert.ToHexString(await response.Content.ReadAsByteArrayAsync()));
        }

        Assert.StartsWith("404|", answers[0], StringComparison.Ordinal);
        Assert.All(answers, a => Assert.Equal(answers[0], a));
    }

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task Other_methods_get_405_with_allow(Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(10, 9));
        using var client = f.HttpClient();

        using var response = await client.PostAsync(BlobUri(f.Http1Of(implementation), cap), new ByteArrayContent([1]));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }
}
