using System.Net;
using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 14, "Done when": SIGTERM to the sender's node while the recipient's node pulls a large blob from it, and a
/// restart that resumes — the pull completes from where it was cut and bob's bytes are alice's. Found through DNS and
/// the well-known descriptor; a throttling proxy in front of a.example's framed door (announced in its SRV record, its
/// descriptor and its fetch hints) keeps the transfer under way long enough to be cut.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class InterruptedTransferTests(ITestOutputHelper output)
{
    private const int BlobSize = 12 * 1024 * 1024;
    private const int ProxyRate = 3 * 1024 * 1024;

    [SkippableFact]
    public async Task Sigterm_of_the_sender_mid_transfer_exits_0_and_its_restart_lets_the_pull_resume()
    {
        Processes.RequireDnsmasq();
        await using var proxy = new ThrottledProxy(ProxyRate);
        var narrator = new DemoNarrator(new OutputWriter(output));
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions { SenderFetchDoor = proxy.EndPoint.ToString() }, narrator);
        proxy.Target = IPEndPoint.Parse(cluster.A.Ports!.Framed!);
        var users = await Correspondents.CreateAsync(cluster);
        var path = users.RandomFile("large.bin", BlobSize);

        var messageId = await users.SendAsync(path);
        var capability = (await users.PollAsync()).GetProperty("capability").GetString()!;
        Assert.True(await Eventually.TrueAsync(() => proxy.Forwarded >= BlobSize / 6, TimeSpan.FromSeconds(30)), $"{proxy.Forwarded} bytes through the proxy");

        var clientApi = cluster.A.ClientApi;
        var stop = await cluster.A.StopAsync(); // SIGTERM; throws unless the node exits 0 within its bound
        narrator.Step($"a.example stopped mid-transfer in {DemoNarrator.Duration(stop)} after {proxy.Forwarded} of {BlobSize} bytes");
        var cut = await users.Bob.RunAsync("fetch", capability, "--out", users.Bob.File("early.bin"));
        Assert.True(cut.ExitCode == 4, $"bob's message was complete before the stop: {cut.Output}");

        // The restarted node listens for clients where it did (alice's saved configuration names that port); the
        // other ports it takes anew, and DNS is republished for them.
        cluster.A.Configure([new("Tern:ClientApi:Listen", clientApi.Authority)]);
        await cluster.A.StartAsync();
        proxy.Target = IPEndPoint.Parse(cluster.A.Ports!.Framed!);
        await cluster.RepublishAsync();
        narrator.Step("a.example restarted");

        var received = users.Bob.File("large.bin");
        await users.FetchWhenPulledAsync(capability, received, TimeSpan.FromSeconds(60));
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(received));

        // Resumed rather than started over: well under two copies went through the proxy.
        Assert.True(proxy.Forwarded < BlobSize * 3 / 2, $"{proxy.Forwarded} bytes through the proxy for a {BlobSize}-byte blob");
        Assert.True(await Eventually.TrueAsync(async () => await users.StateAsync(messageId) == "fetched", TimeSpan.FromSeconds(20)));
        await cluster.StopAsync();
    }
}
