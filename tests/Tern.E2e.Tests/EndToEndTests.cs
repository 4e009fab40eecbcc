using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 14, "Done when": two real node processes and a real DNS server carry the demo's path — users made with the CLI,
/// a sealed text and a file sent, pulled, fetched and opened byte for byte, notifications stopping once fetched, a
/// retraction reaching the recipient, each node's figures — and stop on SIGTERM with exit code 0.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class EndToEndTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Two_node_processes_found_through_dns_and_the_well_known_descriptor_carry_the_demo_path()
    {
        Processes.RequireDnsmasq();
        var narrator = new DemoNarrator(new OutputWriter(output));
        var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions(), narrator);
        await using (cluster)
        {
            var story = new DemoStory(cluster, narrator, 4_000_000);
            await story.RunAsync();

            // There is no web server but the nodes: each found the other's agreement key (a.example to notify b.example,
            // b.example to check a.example's key before pulling, docs/PROTOCOL.md §4.7) in the descriptor the other serves,
            // and what each serves names the ports it runs on.
            foreach (var node in new[] { cluster.A, cluster.B })
            {
                var served = await cluster.ServedDescriptorAsync(node);
                Assert.Equal([$"udp://{node.Ports!.Notify}"], served.Notify);
            }

            // tern doctor fetches b.example's descriptor as a peer does and finds it matches what DNS publishes.
            var doctor = await DoctorAsync(cluster, cluster.B);
            Assert.True(doctor.TryGetValue("descriptor", out var verdict) && verdict.StartsWith("ok:", StringComparison.Ordinal), string.Join('\n', doctor));

            // What alice's node reports after the story: the letter and the file fetched, the note retracted.
            var list = await story.Alice.JsonAsync("status");
            var states = list.GetProperty("messages").EnumerateArray()
                .Select(m => m.GetProperty("deliveries")[0].GetProperty("state").GetString()!)
                .Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["fetched", "fetched", "retracted"], states);

            await cluster.StopAsync();
            Assert.Null(cluster.A.Process);
            Assert.Null(cluster.B.Process);
        }

        Assert.False(Directory.Exists(cluster.Root), "the demo's directory is left behind");
    }

    /// <summary><c>tern doctor --json</c> on <paramref name="node"/>'s data directory against the demo's DNS: each check's "verdict: detail" by name.</summary>
    private static async Task<Dictionary<string, string>> DoctorAsync(DemoCluster cluster, DemoNode node)
    {
        var port = System.Net.IPEndPoint.Parse(node.Ports!.Http!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var doctor = ChildProcess.Start(cluster.Tern.StartInfo(
            ["doctor", "--data-dir", node.DataDirectory, "--name-server", cluster.Dns!.EndPoint.ToString(), "--descriptor-port", port, "--json"]), "tern doctor");
        Assert.True(await doctor.WaitForExitAsync(TimeSpan.FromSeconds(60)), doctor.Tail());
        var verdicts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var check in System.Text.Json.JsonDocument.Parse(doctor.StandardOutput).RootElement.EnumerateArray())
        {
            verdicts[check.GetProperty("check").GetString()!] = check.GetProperty("verdict").GetString() + ": " + check.GetProperty("detail").GetString();
        }

        return verdicts;
    }
}
