using System.Globalization;
using System.Net;
using Tern.Engine.Keys;
using Tern.Load.Open;
using Tern.Node;

namespace Tern.Load.Scenarios;

/// <summary>
/// Notification flood: <c>peers</c> simulated domains send sealed notifications (<see cref="NotificationFlood"/>) to
/// b.example's notification port at <c>rate</c> datagrams a second. Baseline in the same run: the same datagrams, sealed
/// the same way at the same rate, to a bare UDP socket in the floor process that only counts them.
/// </summary>
internal static class FloodScenario
{
    public static async Task RunAsync(string work, string reportPath, string ternDll, ScenarioSettings settings)
    {
        var rate = settings.Double("rate", 4000);
        var peers = settings.Int("peers", 16);
        var records = settings.Int("records", 1);
        var hashes = settings.Int("hashes", 1000);
        var seed = settings.Int("seed", 18);
        var run = ScenarioRuns.Phases(settings);
        var arrival = Enum.Parse<ArrivalKind>(settings.Text("arrival", nameof(ArrivalKind.Poisson)), ignoreCase: true);
        settings.CheckAllUsed();
        var report = new ScenarioReport("Load: notification flood", "flood", settings);
        var directory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;

        await using var nodes = await LoadNodes.StartAsync(Path.Combine(work, "nodes"), ternDll, new Dictionary<string, string>(), LoadNodes.ManyReferences(10_000_000)).ConfigureAwait(false);
        await using var floor = await FloorChild.StartAsync(Path.Combine(work, "floor"), 1).ConfigureAwait(false);
        using var receiverKeys = DomainKeySet.Load(TernDataDirectory.Keys(nodes.DirectoryB));
        using var admin = LoadNodes.Admin(nodes.B, nodes.DirectoryB);
        using var floorHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = floor.Http };
        LoadStreamOptions NotifyStream() => new() { Name = "notify", Rate = rate, Arrival = arrival, Lanes = peers, MaxInFlight = peers * 64 };

        using var toFloor = new NotificationFlood(floor.Udp, receiverKeys, peers, records, hashes, seed);
        var floorResult = await LoadRun.RunAsync([new LoadStream(NotifyStream(), toFloor)], new LoadRunOptions
        {
            Warmup = run.Warmup,
            Duration = run.Duration,
            Seed = seed,
            Processes = [("floor", floor.ProcessId)],
            Probes = [new TimelineProbe("floor_received", async token => long.Parse(await floorHttp.GetStringAsync("/udp", token).ConfigureAwait(false), CultureInfo.InvariantCulture))],
            TimelinePath = Path.Combine(directory, "load-flood.floor-timeline.csv"),
        }).ConfigureAwait(false);
        await Task.Delay(500).ConfigureAwait(false);
        var floorReceived = long.Parse(await floorHttp.GetStringAsync("/udp").ConfigureAwait(false), CultureInfo.InvariantCulture);

        using var toNode = new NotificationFlood(IPEndPoint.Parse(nodes.B.Ports.Notify), receiverKeys, peers, records, hashes, seed + 1);
        var before = await AdminStats.ReadAsync(admin).ConfigureAwait(false);
        var ternResult = await LoadRun.RunAsync([new LoadStream(NotifyStream(), toNode)], new LoadRunOptions
        {
            Warmup = run.Warmup,
            Duration = run.Duration,
            Seed = seed,
            Processes = nodes.Processes,
            Probes = [new TimelineProbe("b_records_accepted", async token => (await AdminStats.ReadAsync(admin, token).ConfigureAwait(false)).RecordsAccepted)],
            TimelinePath = Path.Combine(directory, "load-flood.timeline.csv"),
        }).ConfigureAwait(false);
        await Task.Delay(1000).ConfigureAwait(false);
        var after = await AdminStats.ReadAsync(admin).ConfigureAwait(false);

        var received = after.DatagramsReceived - before.DatagramsReceived;
        var accepted = after.RecordsAccepted - before.RecordsAccepted;
        var bCpu = ternResult.ProcessCpu.First(p => p.Name == "b.example").Cpu;
        var floorCpu = floorResult.ProcessCpu[0].Cpu;
        var measuredTern = ternResult["notify"].Counters.Ok;
        var measuredFloor = floorResult["notify"].Counters.Ok;

        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"**What runs.** Two `tern run` processes on loopback (a.example idle, b.example loaded). {peers} simulated peer domains, each with its own key set and loopback source address (127.0.1.1–127.0.1.{peers}), seal notification datagrams of {records} record(s) each with the engine's `DatagramWriter` under their direction key to b.example, as a peer's scheduler does, and send them to b.example's notification port: {rate:F0} datagrams a second in all ({arrival} arrivals, seed {seed}), recipient hashes taken in turn from {hashes}, every capability new. Nothing answers a notification (docs/PROTOCOL.md §4.4), so an operation ends when the kernel took the datagram: the latencies below are the generator's own (how late its sends left), and what the node made of them is its counters. The baseline sends the same datagrams at the same rate to a UDP socket in the floor process (`Tern.Load load-floor-serve`) that only counts them."));
        report.Heading("Streams");
        report.Streams(("baseline: bare UDP socket", floorResult), ("Tern: b.example's notification port", ternResult));
        report.Heading("CPU over the measured phase");
        report.Cpu(("baseline", floorResult), ("Tern", ternResult));
        report.Heading("What the receiver made of it");
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Tern run, warm-up included: {toNode.Datagrams} datagrams sent ({toNode.Bytes / 1e6:F1} MB) ({records} record(s) each), b.example received {received} and accepted {accepted} records; pending references now {after.PendingReferences}; drops by reason: {after.FormatDrops()}. Baseline run: {toFloor.Datagrams} sent, the floor's socket received {floorReceived}."));
        report.Ratios(
        [
            ("receiver CPU per datagram, measured phase (µs)", bCpu.TotalMicroseconds / Math.Max(1, measuredTern), floorCpu.TotalMicroseconds / Math.Max(1, measuredFloor), true, "—"),
            ("datagrams taken in / sent (b.example accepted records ÷ records sent; floor received ÷ sent)", (double)accepted / Math.Max(1, toNode.RecordsSent), (double)floorReceived / Math.Max(1, toFloor.Datagrams), false, "—"),
            ("generator p99 from due time (ms): how late sends left", StreamResult.Milliseconds(ternResult["notify"].Corrected, 99), StreamResult.Milliseconds(floorResult["notify"].Corrected, 99), true, "—"),
        ]);
        report.Paragraph("The receiver's CPU per datagram covers the kernel's receive, the rate and cold-key checks, the AEAD open and the pending table's insert; the floor's covers the kernel's receive and a counter. Per-second figures (the node's accepted records beside the sends) are in the timeline.");
        report.Write(reportPath);
        foreach (var line in floorResult.Format().Select(l => "FLOOR " + l).Concat(ternResult.Format().Select(l => "TERN " + l)))
        {
            Console.WriteLine(line);
        }
    }
}
