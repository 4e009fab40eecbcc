using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Protocol;
using Tern.Load.Nodes;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// A bulk campaign: the user <c>bulk</c> at a.example sends one <c>size</c>-byte blob to <c>refs</c> new recipient hashes
/// at b.example, <c>recipients</c> a submission at <c>submit-rate</c> submissions a second, while alice keeps sending
/// bob <c>legit-size</c>-byte messages at <c>legit-rate</c>; then the run waits until b.example has filed every reference.
/// Baseline in the same run: alice's stream alone on the idle nodes before the campaign. The building block of the
/// spam-economics report: sender and recipient CPU per reference, datagrams per reference (retransmissions included),
/// the recipient's growth in memory and on disk, and the legitimate sender's latency beside its idle figure.
/// </summary>
internal static class CampaignScenario
{
    public static async Task RunAsync(string work, string reportPath, string ternDll, ScenarioSettings settings)
    {
        var references = settings.Long("refs", 100_000);
        var recipients = settings.Int("recipients", 1000);
        var size = settings.Int("size", 50 * 1024);
        var submitRate = settings.Double("submit-rate", 5);
        var legitRate = settings.Double("legit-rate", 20);
        var legitSize = settings.Int("legit-size", 1024);
        var idle = settings.Seconds("idle-seconds", 10);
        var warmup = settings.Seconds("warmup", 3);
        var lanes = settings.Int("lanes", 4);
        var fileTimeout = settings.Seconds("file-timeout", 120);
        var seed = settings.Int("seed", 18);
        settings.CheckAllUsed();
        if (references % recipients != 0)
        {
            throw new ArgumentException($"refs ({references}) must be a multiple of recipients ({recipients})");
        }

        var submissions = references / recipients;
        var seconds = (int)Math.Ceiling(submissions / submitRate);
        // Just under submissions / seconds: a constant schedule then has exactly `submissions` sends due in the window.
        var bulkRate = submissions / (double)seconds * (1 - 1e-9);
        var report = new ScenarioReport("Load: campaign (one blob to many recipients) beside a legitimate sender", "campaign", settings);
        var directory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;

        var settingsA = new Dictionary<string, string> { ["Tern:ClientApi:MaxRecipients"] = recipients.ToString(CultureInfo.InvariantCulture) };
        var settingsB = LoadNodes.ManyReferences((2 * references) + 1_000_000);
        await using var nodes = await LoadNodes.StartAsync(Path.Combine(work, "nodes"), ternDll, settingsA, settingsB, "bulk").ConfigureAwait(false);
        using var adminA = LoadNodes.Admin(nodes.A, nodes.DirectoryA);
        using var adminB = LoadNodes.Admin(nodes.B, nodes.DirectoryB);
        using var alice = LoadNodes.ClientApi(nodes.A, nodes.AliceToken, lanes);
        using var bulk = LoadNodes.ClientApi(nodes.A, nodes.TokensA["bulk"], lanes);
        using var bob = LoadNodes.ClientApi(nodes.B, nodes.BobToken, 2);
        var inbox = RecipientHash.NewRandom();
        await ClientSteps.RegisterHashAsync(bob, inbox).ConfigureAwait(false);
        var legitBody = new byte[legitSize];
        var blob = new byte[size];
        var random = new Random(seed);
        random.NextBytes(legitBody);
        random.NextBytes(blob);
        var legitPath = ClientSteps.SubmitPath([$"{inbox}@b.example"]);
        LoadStream Legit() => new(new LoadStreamOptions { Name = "legit", Rate = legitRate, Lanes = lanes, Timeout = TimeSpan.FromSeconds(10) },
            new HttpTarget(alice, _ => new HttpRequestMessage(HttpMethod.Post, legitPath) { Content = new ByteArrayContent(legitBody) }, HttpStatusCode.Created));

        var idleResult = await LoadRun.RunAsync([Legit()], new LoadRunOptions
        {
            Warmup = warmup,
            Duration = idle,
            Seed = seed,
            Processes = nodes.Processes,
            TimelinePath = Path.Combine(directory, "load-campaign.floor-timeline.csv"),
        }).ConfigureAwait(false);

        // alice's last messages reach b.example's table before its count is taken.
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var legit = Legit();
        var campaign = new CampaignTarget(bulk, blob, recipients, seed);
        var beforeA = await AdminStats.ReadAsync(adminA).ConfigureAwait(false);
        var beforeB = await AdminStats.ReadAsync(adminB).ConfigureAwait(false);
        var cpuBefore = (A: ProcStat.Cpu(nodes.A.ProcessId), B: ProcStat.Cpu(nodes.B.ProcessId));
        var rssBefore = (A: ProcStat.Rss(nodes.A.ProcessId).Now, B: ProcStat.Rss(nodes.B.ProcessId).Now);
        var diskBefore = DirectoryBytes(nodes.DirectoryB);
        var clock = Stopwatch.StartNew();
        var campaignResult = await LoadRun.RunAsync(
            [
                new LoadStream(new LoadStreamOptions { Name = "bulk", Rate = bulkRate, Arrival = ArrivalKind.Constant, Lanes = lanes, MaxInFlight = 64, Timeout = TimeSpan.FromSeconds(60) }, campaign),
                legit,
            ],
            new LoadRunOptions
            {
                Warmup = TimeSpan.Zero,
                Duration = TimeSpan.FromSeconds(seconds),
                Seed = seed,
                Processes = nodes.Processes,
                Probes = [new TimelineProbe("b_pending", async token => (await AdminStats.ReadAsync(adminB, token).ConfigureAwait(false)).PendingReferences)],
                TimelinePath = Path.Combine(directory, "load-campaign.timeline.csv"),
            }).ConfigureAwait(false);
        var submitted = clock.Elapsed;

        // b.example has filed the campaign when its pending table holds every acknowledged reference and alice's messages.
        var expected = beforeB.PendingReferences + campaign.References + legit.Warmup.Ok + legit.Measured.Ok;
        AdminStats afterB;
        var shown = TimeSpan.Zero;
        while ((afterB = await AdminStats.ReadAsync(adminB).ConfigureAwait(false)).PendingReferences < expected && clock.Elapsed < submitted + fileTimeout)
        {
            if (clock.Elapsed - shown >= TimeSpan.FromSeconds(1))
            {
                shown = clock.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(clock.Elapsed - submitted).TotalSeconds,4:F0} s filing ] b.example pending {afterB.PendingReferences} of {expected}"));
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        var filed = clock.Elapsed;
        var afterA = await AdminStats.ReadAsync(adminA).ConfigureAwait(false);
        var cpu = (A: ProcStat.Cpu(nodes.A.ProcessId) - cpuBefore.A, B: ProcStat.Cpu(nodes.B.ProcessId) - cpuBefore.B);
        var rss = (A: ProcStat.Rss(nodes.A.ProcessId), B: ProcStat.Rss(nodes.B.ProcessId));
        var diskAfter = DirectoryBytes(nodes.DirectoryB);
        var generatorPeak = ProcStat.Rss(Environment.ProcessId).Peak;
        var filedAll = afterB.PendingReferences >= expected;
        var refs = Math.Max(1, campaign.References);

        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"**What runs.** Two `tern run` processes on loopback. The user `bulk` at a.example sends one {size}-byte blob to {references} recipient hashes at b.example that nobody registered (a campaign to addresses that ignore it: b.example files each reference and pulls none): {submissions} submissions of {recipients} recipients each (`POST /v1/messages?to=…`, the transit store's most recipients a submission may name, so the store keeps one copy a submission) at {bulkRate:F2} a second on a constant schedule over {seconds} s, {lanes} lanes. Meanwhile alice sends bob (a registered hash at b.example) {legitSize}-byte messages at {legitRate:F0}/s (Poisson, seed {seed}); her stream ran alone on the idle nodes first ({idle.TotalSeconds:F0} s after {warmup.TotalSeconds:F0} s of warm-up): that is the baseline. Then the run waits until b.example's pending table holds every acknowledged reference. Recipient hashes are drawn per submission from a generator seeded by the seed and the submission's number, never held: the generator's memory does not grow with the campaign."));
        report.Heading("Streams");
        report.Streams(("baseline: alice alone, idle nodes", idleResult), ("campaign", campaignResult));
        report.Heading("CPU over the measured phase");
        report.Cpu(("baseline", idleResult), ("campaign", campaignResult));
        report.Heading("The campaign's cost");
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"| figure | value |\n|---|---:|\n" +
            $"| references acknowledged by a.example | {campaign.References} |\n" +
            $"| submissions acknowledged / errors / dropped | {campaignResult["bulk"].Counters.Ok} / {campaignResult["bulk"].Counters.Errors} / {campaignResult["bulk"].Counters.Dropped} |\n" +
            $"| bytes submitted (blob × submissions) | {(double)size * campaignResult["bulk"].Counters.Ok / 1e6:F1} MB |\n" +
            $"| b.example filed every reference | {(filedAll ? "yes" : "**no**")}, {(filed - submitted).TotalSeconds:F1} s after the last submission was answered ({filed.TotalSeconds:F1} s after the campaign began); pending references {afterB.PendingReferences} (expected {expected}) |\n" +
            $"| a.example: notification datagrams sent until then (retransmissions included) | {afterA.DatagramsSent - beforeA.DatagramsSent} ({(afterA.DatagramsSent - beforeA.DatagramsSent) / (double)refs:F3} a reference) |\n" +
            $"| b.example: datagrams received / records accepted (retransmissions included) | {afterB.DatagramsReceived - beforeB.DatagramsReceived} / {afterB.RecordsAccepted - beforeB.RecordsAccepted}; drops: {afterB.FormatDrops()} |\n" +
            $"| a.example CPU (the campaign and until filed) | {cpu.A.TotalSeconds:F2} s, {cpu.A.TotalMicroseconds / refs:F1} µs a reference |\n" +
            $"| b.example CPU (same span) | {cpu.B.TotalSeconds:F2} s, {cpu.B.TotalMicroseconds / refs:F1} µs a reference |\n" +
            $"| a.example transit: live bytes / deliveries | {afterA.TransitLiveBytes / 1e6:F1} MB / {afterA.Deliveries} |\n" +
            $"| a.example resident memory before → after (peak) | {rssBefore.A:F0} → {rss.A.Now:F0} MB ({rss.A.Peak:F0}) |\n" +
            $"| b.example resident memory before → after (peak) | {rssBefore.B:F0} → {rss.B.Now:F0} MB ({rss.B.Peak:F0}), {(rss.B.Now - rssBefore.B) * 1024 * 1024 / refs:F0} bytes a reference |\n" +
            $"| b.example data directory before → after | {diskBefore / 1e6:F1} → {diskAfter / 1e6:F1} MB (file lengths; FASTER preallocates, so this moves in steps) |\n" +
            $"| load generator's peak resident memory | {generatorPeak:F0} MB |\n"));
        report.Heading("Ratios");
        report.Ratios(
        [
            ("legitimate sender's submit p99 from due time (ms): campaign against idle (target ≤ 2× idle)", StreamResult.Milliseconds(campaignResult["legit"].Corrected, 99), StreamResult.Milliseconds(idleResult["legit"].Corrected, 99), true, "≥ 0.5 (p99 ≤ 2× idle)"),
            ("legitimate sender's submit p50 from due time (ms): campaign against idle", StreamResult.Milliseconds(campaignResult["legit"].Corrected, 50), StreamResult.Milliseconds(idleResult["legit"].Corrected, 50), true, "—"),
        ]);
        report.Paragraph("alice shares the bulk sender's node here, the hardest place for her: her submits queue behind the campaign's in a.example's client API and transit store. The SMTP and naive sender-stores baselines of the spam-economics report are not part of this scenario.");
        report.Write(reportPath);
        foreach (var line in idleResult.Format().Select(l => "IDLE " + l).Concat(campaignResult.Format().Select(l => "CAMPAIGN " + l)))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FILED all={filedAll} seconds_after_submits={(filed - submitted).TotalSeconds:F1} references={campaign.References} a_datagrams={afterA.DatagramsSent - beforeA.DatagramsSent} a_cpu_us_per_ref={cpu.A.TotalMicroseconds / refs:F1} b_cpu_us_per_ref={cpu.B.TotalMicroseconds / refs:F1}"));
    }

    private static long DirectoryBytes(string directory)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // Removed while listed (a checkpoint's old file).
            }
        }

        return total;
    }
}
