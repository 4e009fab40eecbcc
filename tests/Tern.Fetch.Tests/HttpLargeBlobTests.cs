using System.Net;
using System.Net.Http.Headers;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// Large blobs over the HTTP door: read chunk by chunk straight into the response pipe's memory, with the doors run
/// inline on Kestrel's socket threads or on the thread pool (the default).
/// </summary>
public sealed class HttpLargeBlobTests
{
    [Fact]
    public void Doors_run_on_the_thread_pool_by_default() => Assert.False(new FetchServerOptions().InlineScheduling);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Whole_blob_and_ranges_across_chunks_read_back_byte_for_byte(bool inline)
    {
        await using var f = await FetchFixture.StartAsync(o => o.InlineScheduling = inline);
        var content = FetchFixture.Bytes(600_000, 7); // 37 store chunks of 16 KiB, 3 door reads of 256 KiB
        var (cap, _) = await f.SubmitAsync(content);
        using var client = f.HttpClient(HttpVersion.Version11);
        var uri = new Uri(f.Http, "/v1/blobs/" + cap);

        Assert.Equal(content, await client.GetByteArrayAsync(uri));
        foreach (var (from, to) in new[] { (16_383L, 16_384L), (1L, 300_000L), (262_143L, 599_999L), (599_999L, 599_999L) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Headers = { Range = new RangeHeaderValue(from, to) } };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(content.AsSpan((int)from, (int)(to - from + 1)).ToArray(), await response.Content.ReadAsByteArrayAsync());
        }
    }
}
