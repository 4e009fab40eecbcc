using System.Globalization;
using System.Net;
using Tern.Engine.Protocol;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// Fetch load: alice at a.example submits <c>blobs</c> messages of <c>size</c> bytes to bob at b.example (and to a second
/// hash nobody pulls, so each blob stays served after bob's delivery counts as fetched, docs/PROTOCOL.md §9); bob's client
/// polls their capabilities; then whole-blob fetches of them on a.example's framed door (the engine's framed client) and
/// HTTP door (<c>GET /v1/blobs/{capability}</c>), each at its own rate. Baseline in the same run: the same HTTP stream
/// against the floor process answering a blob of the same size from memory.
/// </summary>
internal static class FetchScenario
{
    public static async Task RunAsync(string work, string reportPath, string ternDll, ScenarioSettings settings)
    {
        var blobs = settings.Int("blobs", 200);
        var size = settings.Int("size", 16 * 1024);
        var framedRate = settings.Double("framed-rate", 300);
        var httpRate = settings.Double("http-rate", 300);
        var lanes = settings.Int("lanes", 8);
        var seed = settings.Int("seed", 18);
        var (warmup, duration) = ScenarioRuns.Phases(settings);
        settings.CheckAllUsed();
        var report = new ScenarioReport("Load: fetch doors", "fetch", settings);
        var directory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;

        await using var nodes = await LoadNodes.StartAsync(Path.Combine(work, "nodes"), ternDll, new Dictionary<string, string>(), new Dictionary<string, string>()).ConfigureAwait(false);
        await using var floor = await FloorChild.StartAsync(Path.Combine(work, "floor"), size).ConfigureAwait(false);
        var capabilities = await PrepareAsync(nodes, blobs, size, seed).ConfigureAwait(false);

        using var floorClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = lanes }) { BaseAddress = floor.Http, Timeout = Timeout.InfiniteTimeSpan };
        var floorHttp = new HttpTarget(floorClient, _ => new HttpRequestMessage(HttpMethod.Get, "/blob"), HttpStatusCode.OK);
        var floorResult = await LoadRun.RunAsync([new LoadStream(new LoadStreamOptions { Name = "fetch-http", Rate = httpRate, Lanes = lanes }, floorHttp)], new LoadRunOptions
        {
            Warmup = warmup,
            Duration = duration,
            Seed = seed,
            Processes = [("floor", floor.ProcessId)],
            TimelinePath = Path.Combine(directory, "load-fetch.floor-timeline.csv"),
        }).ConfigureAwait(false);

        var framed = IPEndPoint.Parse(nodes.A.Ports.Framed!);
        using var doorClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = lanes }) { BaseAddress = new Uri($"http://{nodes.A.Ports.Http}"), Timeout = Timeout.InfiniteTimeSpan };
        var http = new HttpTarget(doorClient, sequence => new HttpRequestMessage(HttpMethod.Get, $"/v1/blobs/{capabilities[(int)(sequence % capabilities.Count)]}"), HttpStatusCode.OK);
        var ternResult = await LoadRun.RunAsync(
            [
                new LoadStream(new LoadStreamOptions { Name = "fetch-framed", Rate = framedRate, Lanes = lanes }, new FramedFetchTarget(framed.Address.ToString(), framed.Port, capabilities)),
                new LoadStream(new LoadStreamOptions { Name = "fetch-http", Rate = httpRate, Lanes = lanes }, http),
            ],
            new LoadRunOptions
            {
                Warmup = warmup,
                Duration = duration,
                Seed = seed,
                Processes = nodes.Processes,
                TimelinePath = Path.Combine(directory, "load-fetch.timeline.csv"),
            }).ConfigureAwait(false);

        var aCpu = ternResult.ProcessCpu.First(p => p.Name == "a.example").Cpu;
        var fetched = ternResult["fetch-framed"].Counters.Ok + ternResult["fetch-http"].Counters.Ok;
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"**What runs.** Two `tern run` processes on loopback. alice at a.example submitted {blobs} messages of {size} bytes through a.example's client API, each to bob's registered hash at b.example and to a second hash nobody pulls (so every blob stays served once bob's delivery counts as fetched, docs/PROTOCOL.md §9); bob's client listed the {capabilities.Count} references (`GET /v1/references`) and their capabilities. Then, at once, whole-blob fetches of them in turn: `fetch-framed` on a.example's framed door (the engine's `FramedFetchClient`, one connection a lane, one fetch at a time on it) at {framedRate:F0}/s, `fetch-http` on its HTTP door (`GET /v1/blobs/{{capability}}`, HTTP/1.1, one connection a lane) at {httpRate:F0}/s; {lanes} lanes each, Poisson arrivals, seed {seed}. The baseline runs the same HTTP stream against the floor process (Kestrel answering {size} bytes from memory, `Tern.Load load-floor-serve`) before."));
        report.Heading("Streams");
        report.Streams(("baseline: Kestrel, bytes from memory", floorResult), ("Tern: a.example's doors", ternResult));
        report.Heading("CPU over the measured phase");
        report.Cpu(("baseline", floorResult), ("Tern", ternResult));
        report.Heading("Ratios");
        report.Ratios(
        [
            ("HTTP fetch p99 from due time (ms)", StreamResult.Milliseconds(ternResult["fetch-http"].Corrected, 99), StreamResult.Milliseconds(floorResult["fetch-http"].Corrected, 99), true, "—"),
            ("HTTP fetch p50 from due time (ms)", StreamResult.Milliseconds(ternResult["fetch-http"].Corrected, 50), StreamResult.Milliseconds(floorResult["fetch-http"].Corrected, 50), true, "—"),
            ("framed fetch p99 from due time (ms), against the floor's HTTP", StreamResult.Milliseconds(ternResult["fetch-framed"].Corrected, 99), StreamResult.Milliseconds(floorResult["fetch-http"].Corrected, 99), true, "—"),
            ("server CPU per fetch (µs; a.example over both doors)", ScenarioRuns.MicrosecondsPer(aCpu, fetched), ScenarioRuns.MicrosecondsPer(floorResult.ProcessCpu[0].Cpu, floorResult["fetch-http"].Counters.Ok), true, "—"),
        ]);
        report.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Body bytes read over HTTP: Tern {http.BodyBytes / 1e6:F1} MB, baseline {floorHttp.BodyBytes / 1e6:F1} MB (warm-up included). The framed door has no floor of its own here: its row is set against the floor's HTTP figures, the same bytes over loopback TCP."));
        report.Write(reportPath);
        foreach (var line in floorResult.Format().Select(l => "FLOOR " + l).Concat(ternResult.Format().Select(l => "TERN " + l)))
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>Submits the blobs (alice → bob's hash and an unpulled one) and returns the capabilities bob's client lists.</summary>
    public static async Task<List<FetchCapability>> PrepareAsync(LoadNodes nodes, int blobs, int size, int seed)
    {
        using var alice = LoadNodes.ClientApi(nodes.A, nodes.AliceToken, 8);
        using var bob = LoadNodes.ClientApi(nodes.B, nodes.BobToken, 2);
        var hash = RecipientHash.NewRandom();
        var anchor = RecipientHash.NewRandom();
        await ClientSteps.RegisterHashAsync(bob, hash).ConfigureAwait(false);
        var random = new Random(seed);
        var body = new byte[size];
        for (var i = 0; i < blobs; i++)
        {
            random.NextBytes(body);
            await ClientSteps.SubmitAsync(alice, body, $"{hash}@b.example", $"{anchor}@b.example").ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prepared {blobs} blobs of {size} bytes; waiting for bob's references"));
        return await ClientSteps.PollCapabilitiesAsync(bob, hash, blobs, TimeSpan.FromSeconds(120)).ConfigureAwait(false);
    }
}
