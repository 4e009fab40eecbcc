using System.Net;
using System.Net.Sockets;
using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 16, "Metrics": two <c>tern run</c> processes scraped at <c>/metrics</c> on their admin listeners before and after
/// a message goes from a.example to b.example and junk reaches b.example's notification port — every figure the
/// traffic touches moves, on the sender's side and the recipient's, and the scrape needs the admin token.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class MetricsScrapeTests(ITestOutputHelper output)
{
    private const int Junk = 25;

    [Fact]
    public async Task A_scrape_of_each_node_process_shows_its_figures_move_with_the_traffic()
    {
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions { Discovery = DemoDiscovery.StaticPeers },
            new DemoNarrator(new OutputWriter(output)));
        var (a, b) = (cluster.A, cluster.B);

        // Without the token, or with another, nothing is served.
        using (var anonymous = Exposition.Client(b, token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }

        using (var stranger = Exposition.Client(b, "tern_admin_not-this-one"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }

        var users = await Correspondents.CreateAsync(cluster);
        var aBefore = await Exposition.ScrapeAsync(a);
        var bBefore = await Exposition.ScrapeAsync(b);
        Assert.Equal("counter", aBefore.TypeOf("tern_delivery_datagrams_sent_total"));
        Assert.Equal("counter", bBefore.TypeOf("tern_notify_drops_total"));
        Assert.Equal("gauge", bBefore.TypeOf("tern_pending_references"));
        Assert.Equal("histogram", aBefore.TypeOf("tern_transit_commit_duration_seconds"));
        Assert.Equal(1, aBefore["tern_node_ready"]);
        Assert.Equal(1, bBefore["tern_node_info{domain=\"b.example\"}"]);

        var path = users.RandomFile("message.bin", 200_000);
        await users.SendAsync(path);
        await users.StoredAsync(TimeSpan.FromSeconds(30));
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            var port = IPEndPoint.Parse(b.Ports!.Notify);
            for (var i = 0; i < Junk; i++)
            {
                await udp.SendAsync(new byte[] { 0xFF, 0x00, (byte)i, 0x42 }, port);
            }
        }

        // The sender: the submission's commit, its notification, b.example's fetch through the framed door.
        Exposition aAfter = null!;
        await Eventually.AssertAsync(async () =>
        {
            aAfter = await Exposition.ScrapeAsync(a);
            return aAfter["tern_fetch_served_bytes_total{door=\"framed\"}"] >= aBefore["tern_fetch_served_bytes_total{door=\"framed\"}"] + 200_000;
        }, TimeSpan.FromSeconds(20));
        Assert.True(aAfter["tern_transit_commits_total"] > aBefore["tern_transit_commits_total"]);
        Assert.True(aAfter["tern_transit_commit_duration_seconds_count"] > aBefore["tern_transit_commit_duration_seconds_count"]);
        Assert.True(aAfter["tern_transit_commit_duration_seconds_sum"] > aBefore["tern_transit_commit_duration_seconds_sum"]);
        Assert.True(aAfter["tern_delivery_datagrams_sent_total"] > aBefore["tern_delivery_datagrams_sent_total"]);
        Assert.True(aAfter["tern_delivery_records_sent_total"] > aBefore["tern_delivery_records_sent_total"]);
        Assert.True(aAfter["tern_fetch_requests_total{door=\"framed\",status=\"ok\"}"] > aBefore["tern_fetch_requests_total{door=\"framed\",status=\"ok\"}"]);

        // The recipient: the datagram in, its record filed, the pull stored, and every junk datagram dropped and counted.
        Exposition bAfter = null!;
        await Eventually.AssertAsync(async () =>
        {
            bAfter = await Exposition.ScrapeAsync(b);
            return bAfter.Sum("tern_notify_drops_total") >= bBefore.Sum("tern_notify_drops_total") + Junk
                && bAfter["tern_pull_outcomes_total{outcome=\"stored\"}"] > bBefore["tern_pull_outcomes_total{outcome=\"stored\"}"];
        }, TimeSpan.FromSeconds(20));
        Assert.True(bAfter["tern_notify_datagrams_received_total"] >= bBefore["tern_notify_datagrams_received_total"] + Junk + 1);
        Assert.True(bAfter["tern_notify_datagrams_accepted_total"] > bBefore["tern_notify_datagrams_accepted_total"]);
        Assert.True(bAfter["tern_notify_records_filed_total"] > bBefore["tern_notify_records_filed_total"]);
        Assert.True(bAfter["tern_ingest_rate_buckets_used"] >= 1);
        Assert.True(bAfter["tern_ingest_peer_keys{table=\"verified\"}"] + bAfter["tern_ingest_peer_keys{table=\"known\"}"] >= 1);

        // The process: memory and the collector's counts are there and real.
        Assert.True(bAfter["process_working_set_bytes"] > 10_000_000);
        Assert.True(bAfter["dotnet_gc_allocated_bytes_total"] > bBefore["dotnet_gc_allocated_bytes_total"]);
        Assert.True(bAfter["process_cpu_seconds_total"] > 0);
        await cluster.StopAsync();
    }
}
