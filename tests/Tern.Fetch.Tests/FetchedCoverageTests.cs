using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>docs/PROTOCOL.md §9: a delivery is fetched once every byte was served at least once, over any door.</summary>
public sealed class FetchedCoverageTests
{
    [Fact]
    public async Task Whole_http_get_marks_the_delivery_fetched()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(100_000, 1));
        using var client = f.HttpClient();

        await client.GetByteArrayAsync(new Uri(f.Http, "/v1/blobs/" + cap));

        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
        Assert.Equal(1, f.Server.Coverage.MarkedCount);
    }

    [Fact]
    public async Task Whole_framed_fetch_marks_the_delivery_fetched_and_it_still_serves()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(1000, 2);
        var (cap, _) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        await client.FetchAsync(cap, Stream.Null);
        var state = await f.WaitForStateAsync(cap, DeliveryState.Fetched);
        var again = new MemoryStream();
        var repeat = await client.FetchAsync(cap, again);

        Assert.Equal(DeliveryState.Fetched, state);
        Assert.Equal(MetaStatus.Ok, repeat.Status);
        Assert.Equal(content, again.ToArray());
    }

    [Fact]
    public async Task Zero_length_blob_is_fetched_by_its_first_get()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync([]);
        using var client = f.HttpClient();

        var body = await client.GetByteArrayAsync(new Uri(f.Http, "/v1/blobs/" + cap));

        Assert.Empty(body);
        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
    }

    [Fact]
    public async Task Http_ranges_count_when_together_they_cover_the_blob()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(90_000, 3));
        using var client = f.HttpClient();

        await FetchFixture.GetRangeAsync(client, f.Http, cap.ToString(), 0, 59_999);
        await WaitForTrackedAsync(f, 1);
        var afterFirst = f.StateOf(cap);
        await FetchFixture.GetRangeAsync(client, f.Http, cap.ToString(), 30_000, null);

        Assert.Equal(DeliveryState.Outstanding, afterFirst);
        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
        Assert.Equal(0, f.Server.Coverage.TrackedCount);
    }

    [Fact]
    public async Task Framed_ranges_across_connections_assemble_coverage()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(200_000, 4));

        await using (var first = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false)))
        {
            await first.FetchAsync(cap, Stream.Null, offset: 100_000);
        }

        await WaitForTrackedAsync(f, 1);
        var afterFirst = f.StateOf(cap);
        await using (var second = await FramedFetchClient.ConnectAsync(f.FramedTls, f.FramedOptions(true)))
        {
            await second.FetchAsync(cap, Stream.Null, offset: 0, length: 100_000);
        }

        Assert.Equal(DeliveryState.Outstanding, afterFirst);
        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
    }

    [Fact]
    public async Task Response_cut_mid_body_then_resumed_with_a_range_counts_as_fetched()
    {
        await using var f = await FetchFixture.StartAsync();
        // Larger than the loopback socket buffers can hold, so the cut leaves part of the blob unwritten: bytes handed to
        // the kernel count as served, and a smaller blob could be "served" whole before the reset.
        var content = FetchFixture.Bytes(24_000_000, 5);
        var (cap, _) = await f.SubmitAsync(content);

        // A raw HTTP/1.1 client reads part of the body and drops the connection.
        var received = new MemoryStream();
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, f.Http.Port));
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v1/blobs/{cap} HTTP/1.1\r\nHost: x\r\n\r\n"));
            var buffer = new byte[16384];
            while (received.Length < 200_000)
            {
                var n = await socket.ReceiveAsync(buffer);
                Assert.NotEqual(0, n);
                received.Write(buffer, 0, n);
            }

            socket.LingerState = new LingerOption(true, 0);
        }

        var all = received.ToArray();
        var headerEnd = all.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var have = all.Length - headerEnd;
        await WaitForTrackedAsync(f, 1);
        var afterCut = f.StateOf(cap);
        using var client = f.HttpClient();
        var rest = await FetchFixture.GetRangeAsync(client, f.Http, cap.ToString(), have, null);

        Assert.Equal(DeliveryState.Outstanding, afterCut);
        Assert.Equal(content, all[headerEnd..].Concat(rest).ToArray());
        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
    }

    [Fact]
    public async Task Head_and_failed_fetches_count_nothing()
    {
        await using var f = await FetchFixture.StartAsync();
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(1000, 6));
        using var client = f.HttpClient();
        await using var framed = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(f.Http, "/v1/blobs/" + cap)));
        await framed.HeadAsync(cap);
        await framed.FetchAsync(cap, Stream.Null, offset: 5000);
        await framed.PingAsync(1); // frames on one connection are answered in order: the fetches above are done

        Assert.Equal(DeliveryState.Outstanding, f.StateOf(cap));
        Assert.Equal(0, f.Server.Coverage.TrackedCount);
    }

    /// <summary>The server records coverage just after its last flush, which may be after the client has the bytes.</summary>
    private static async Task WaitForTrackedAsync(FetchFixture f, int count)
    {
        await Eventually.TrueAsync(() => f.Server.Coverage.TrackedCount >= count);
        Assert.Equal(count, f.Server.Coverage.TrackedCount);
    }
}
