using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Tern.Cli.Demo;
using Tern.Engine.Protocol;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 16, "A status page": a.example's page at <c>/status</c> in Debian's Chromium driven by Playwright (no browser
/// of Playwright's own), while junk datagrams reach a.example's notification port: the counters and charts it shows
/// change, its tables name the peer, what expires and the block list, and it loads nothing from anywhere but the node.
/// <c>TERN_UPDATE_SCREENSHOT=1</c> also writes the screenshot to <c>docs/status-page.png</c>.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class StatusPageTests(ITestOutputHelper output)
{
    /// <summary>Debian's package <c>chromium</c>, which <c>make test</c> installs (the Makefile's test dependencies).</summary>
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task The_page_in_chromium_shows_a_node_under_traffic_with_changing_figures_its_peer_expiring_mail_and_blocks()
    {
        RequireChromium();
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions { Discovery = DemoDiscovery.StaticPeers },
            new DemoNarrator(new OutputWriter(output)));
        var a = cluster.A;
        var users = await Correspondents.CreateAsync(cluster);
        await users.SendAsync(users.RandomFile("pulled.bin", 150_000));
        await users.StoredAsync(TimeSpan.FromSeconds(30));

        // A second message to a hash nobody at b.example pulls: it stays outstanding at a.example, and expires in time.
        await users.Alice.JsonAsync("send", users.RandomFile("waiting.bin", 40_000), "--to", $"{RecipientHash.NewRandom()}@b.example");
        using (var admin = Exposition.Client(a, Exposition.TokenOf(a)))
        {
            (await admin.PutAsync(new Uri("/admin/v1/blocks/spam.example", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        using var traffic = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var junk = SendJunkAsync(IPEndPoint.Parse(a.Ports!.Notify), traffic.Token);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var origin = $"http://{a.Ports.Admin}";
        var requests = new List<string>();
        var console = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");

        var response = await page.GotoAsync($"{origin}/status#token={Uri.EscapeDataString(Exposition.TokenOf(a))}&interval=500");
        Assert.Equal(200, response!.Status);
        Assert.Contains("default-src 'none'", (await response.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);

        // The figures arrive, and move while the junk keeps coming.
        var received = page.Locator("#v-received");
        await Assertions.Expect(page.Locator("#domain")).ToHaveTextAsync("a.example");
        await Assertions.Expect(page.Locator("#ready")).ToHaveTextAsync("ready");
        await Assertions.Expect(received).Not.ToHaveTextAsync("…");
        await Assertions.Expect(page.Locator("#login")).ToBeHiddenAsync();
        var first = await received.TextContentAsync();
        var drops = await page.Locator("#v-drops").TextContentAsync();
        await page.WaitForFunctionAsync("([id, before]) => document.getElementById(id).textContent !== before", new object[] { "v-received", first! },
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync("([id, before]) => document.getElementById(id).textContent !== before", new object[] { "v-drops", drops! },
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.True(Count(await received.TextContentAsync()) > Count(first), $"datagrams in went from {first} to {await received.TextContentAsync()}");

        // The charts draw a line once two scrapes give a rate; the tables come from the admin routes.
        await Assertions.Expect(page.Locator("#chart-in polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#peers")).ToContainTextAsync("b.example");
        await Assertions.Expect(page.Locator("#expiring")).ToContainTextAsync("b.example (1)");
        await Assertions.Expect(page.Locator("#blocks")).ToContainTextAsync("spam.example");
        await Assertions.Expect(page.Locator("#drops")).ToContainTextAsync("too_short");
        await Assertions.Expect(page.Locator("#fetches")).ToContainTextAsync("framed");
        await Assertions.Expect(page.Locator("#v-commit-p99")).Not.ToHaveTextAsync("–");

        // The token left the address bar; nothing was asked of any other origin; the policy blocked nothing of the page.
        Assert.DoesNotContain("token=", page.Url, StringComparison.Ordinal);
        Assert.All(requests, url => Assert.StartsWith(origin + "/", url, StringComparison.Ordinal));
        Assert.DoesNotContain(console, line => line.Contains("Content Security Policy", StringComparison.Ordinal));

        // Enough points for the charts to show their shape, then the picture.
        await page.WaitForFunctionAsync("() => (document.querySelector('#chart-in polyline')?.getAttribute('points') ?? '').split(' ').length >= 20",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var shot = Path.Combine(AppContext.BaseDirectory, "status-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000);
        if (Environment.GetEnvironmentVariable("TERN_UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(shot, Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/status-page.png")), overwrite: true);
        }

        // A wrong token in the fragment brings the page back to its token form.
        var stranger = await browser.NewPageAsync();
        await stranger.GotoAsync($"{origin}/status#token=tern_admin_wrong");
        await Assertions.Expect(stranger.Locator("#login")).ToBeVisibleAsync();
        await Assertions.Expect(stranger.Locator("#board")).ToBeHiddenAsync();
        await Assertions.Expect(stranger.Locator("#error")).ToHaveTextAsync("the admin token was refused");

        await traffic.CancelAsync();
        await junk;
        await cluster.StopAsync();
    }

    private static double Count(string? text) => double.Parse(text!.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Three-byte datagrams (dropped as too short, §4.4) in bursts of 1 to 4 every 20 ms, so the rate the charts draw
    /// varies, until cancelled: bounded by the test's own time.
    /// </summary>
    private static async Task SendJunkAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        try
        {
            for (var round = 0; !cancellationToken.IsCancellationRequested; round++)
            {
                for (var i = 0; i <= round / 25 % 4; i++)
                {
                    await udp.SendAsync(new byte[] { 1, 2, 3 }, target, cancellationToken);
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Skips where Chromium is missing on a developer's machine; on CI (<c>CI=true</c>) fails, since `make test` installs it.</summary>
    private static void RequireChromium()
    {
        if (File.Exists(Chromium))
        {
            return;
        }

        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "chromium is not installed; `make test` installs it (apt-get install chromium)");
        Skip.If(true, "chromium is not installed (apt-get install chromium, or run `make test`, which does)");
    }
}
