using System.Net;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// Capability text that the BCL's base64url decoder throws on gets the 404 of docs/PROTOCOL.md §8.6.6 at every HTTP door,
/// with the door still serving (and, on Tern's HTTP/1.1 door, the requests pipelined behind it answered); an ETag of
/// that kind does not fail a pull.
/// </summary>
public sealed class MalformedCapabilityTests
{
    private static readonly string A42 = new('A', 42);

    /// <summary>
    /// Paths after <c>/v1/blobs/</c>: 43 characters with non-zero trailing bits or outside the alphabet, and <c>%2B</c>,
    /// which Tern's door sees as is and Kestrel decodes to <c>+</c> (43 characters once decoded in the second).
    /// </summary>
    private static readonly string[] Texts = [A42 + "B", A42 + ".", A42 + "/", new string('A', 40) + "%2B", A42 + "%2B", "-" + new string('A', 41) + "_"];

    [Fact]
    public async Task Tern_http1_door_answers_404_and_the_pipelined_requests_behind_it()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(500, 31);
        var (cap, _) = await f.SubmitAsync(content);
        using var client = await RawHttp1Client.ConnectAsync(f.Http.Port);

        var pipeline = string.Concat(Texts.Select(t => $"GET /v1/blobs/{t} HTTP/1.1\r\nHost: a\r\n\r\nGET /v1/blobs/{cap} HTTP/1.1\r\nHost: a\r\n\r\n"));
        await client.SendAsync(pipeline + $"GET /v1/blobs/{FetchCapability.NewRandom()} HTTP/1.1\r\nHost: a\r\n\r\n");

        var notFound = new List<RawHttp1Client.Response>();
        foreach (var _ in Texts)
        {
            notFound.Add(await client.ReadResponseAsync());
            var served = await client.ReadResponseAsync();
            Assert.Equal(200, served.Status);
            Assert.Equal(content, served.Body);
        }

        var unknown = await client.ReadResponseAsync();
        Assert.Equal(404, unknown.Status);
        Assert.All(notFound, r => Assert.Equal(Without(unknown.Headers, "date"), Without(r.Headers, "date")));
        Assert.All(notFound, r => Assert.Empty(r.Body));
        Assert.DoesNotContain(f.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("http1")]
    [InlineData("http1-kestrel")]
    [InlineData("h2c")]
    public async Task Every_http_door_answers_the_404_of_an_unknown_capability_and_keeps_serving(string door)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(700, 32);
        var (cap, _) = await f.SubmitAsync(content);
        var (baseUri, version) = door switch
        {
            "http1" => (f.Http, HttpVersion.Version11),
            "http1-kestrel" => (f.HttpKestrel, HttpVersion.Version11),
            _ => (f.H2c, HttpVersion.Version20),
        };
        using var client = f.HttpClient(version);

        var expected = await AnswerAsync(client, new Uri(baseUri, "/v1/blobs/" + FetchCapability.NewRandom()));
        Assert.StartsWith("404|", expected, StringComparison.Ordinal);
        foreach (var text in Texts)
        {
            Assert.Equal(expected, await AnswerAsync(client, new Uri(baseUri, "/v1/blobs/" + text)));
            Assert.Equal(content, await client.GetByteArrayAsync(new Uri(baseUri, "/v1/blobs/" + cap)));
        }

        Assert.DoesNotContain(f.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task An_etag_the_decoder_throws_on_does_not_fail_the_pull()
    {
        await using var f = await PullFixture.StartAsync();
        await using var door = new CannedHttpServer(FetchFixture.Bytes(20_000, 33), etag: "\"" + A42 + "+\"");
        var (hash, reference, content) = await f.NotifyAsync(20_000, 33, [$"http://127.0.0.1:{door.EndPoint.Port}"]);

        var result = await f.Worker().PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(content, f.Stored(hash, reference.Capability));
        Assert.True(door.Requests > 0);
    }

    [Fact]
    public async Task The_http_source_reads_a_malformed_etag_as_no_hash()
    {
        var content = FetchFixture.Bytes(1000, 34);
        await using var door = new CannedHttpServer(content, etag: "\"" + A42 + "B\"");
        using var http = new HttpClient();
        var source = new HttpFetchSource(http, new Uri($"http://127.0.0.1:{door.EndPoint.Port}"));
        using var destination = new MemoryStream();

        var response = await source.FetchAsync(FetchCapability.NewRandom(), destination, 0, verifier: null, CancellationToken.None);

        Assert.Equal(Tern.Engine.Protocol.Fetch.MetaStatus.Ok, response.Status);
        Assert.Equal(default, response.PayloadHash);
        Assert.Equal(content, destination.ToArray());
    }

    private static async Task<string> AnswerAsync(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Key + ": " + string.Join(",", h.Value));
        return (int)response.StatusCode + "|" + string.Join("|", headers) + "|" + Convert.ToHexString(await response.Content.ReadAsByteArrayAsync());
    }

    private static Dictionary<string, string> Without(Dictionary<string, string> headers, string name)
        => headers.Where(h => h.Key != name).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
}
