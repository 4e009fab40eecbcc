using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// The other two ways node processes find each other (docs/DISCOVERY.md §2): DNS without SRV records, the endpoints
/// taken from the signed well-known descriptor; and no DNS at all, each node's static peers file listing the other.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class DiscoveryVariantTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Without_srv_records_the_endpoints_come_from_the_well_known_descriptor()
    {
        Processes.RequireDnsmasq();
        await using var cluster = await StartAsync(DemoDiscovery.WellKnown);
        Assert.DoesNotContain(cluster.Zone(srv: false), record => record.StartsWith("srv-host", StringComparison.Ordinal));
        await SendAndReadAsync(cluster);
        // b.example's notification endpoint exists nowhere but in the descriptor its node serves.
        Assert.Equal([$"udp://{cluster.B.Ports!.Notify}"], (await cluster.ServedDescriptorAsync(cluster.B)).Notify);
        await cluster.StopAsync();
    }

    [Fact]
    public async Task With_static_peers_files_and_no_dns_the_nodes_find_each_other()
    {
        await using var cluster = await StartAsync(DemoDiscovery.StaticPeers);
        Assert.Null(cluster.Dns);
        Assert.Null(cluster.Authority);
        await SendAndReadAsync(cluster);
        await cluster.StopAsync();
    }

    private Task<DemoCluster> StartAsync(DemoDiscovery discovery) =>
        DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions { Discovery = discovery }, new DemoNarrator(new OutputWriter(output)));

    private static async Task SendAndReadAsync(DemoCluster cluster)
    {
        var users = await Correspondents.CreateAsync(cluster);
        var path = users.RandomFile("message.bin", 300_000);
        var messageId = await users.SendAsync(path);
        var id = await users.StoredAsync(TimeSpan.FromSeconds(30));
        var received = users.Bob.File("message.bin");
        await users.FetchWhenPulledAsync(id, received, TimeSpan.FromSeconds(5));
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(received));
        Assert.True(await Eventually.TrueAsync(async () => await users.StateAsync(messageId) == "fetched", TimeSpan.FromSeconds(20)));
    }
}
