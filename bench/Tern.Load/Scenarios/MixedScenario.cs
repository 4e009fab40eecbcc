using System.Globalization;
using System.Net;
using Tern.Engine.Protocol;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// Mixed traffic, three streams at once: alice's C2S submits to a.example (to a hash bob registered at b.example), bob's
/// polls of his references at b.example, and HTTP fetches of prepared blobs from a.example. Baseline in the same run: the
/// same three streams against the floor process (a POST that reads the body, an empty poll's JSON, a blob from memory).
/// </summary>
internal static class MixedScenario
{
    public static async Task RunAsync(string work, string reportPath, string ternDll, ScenarioSettings settings)
    {
        var submitRate = settings.Double("submit-rate", 50);
        var pollRate = settings.Double("poll-rate", 100);
        var fetchRate = settings.Double("fetch-rate", 100);
        var size = settings.Int("size", 1024);
        var blobs = settings.Int("blobs", 100);
        var lanes = settings.Int("lanes", 8);
        var seed = settings.Int("seed", 18);
        var (warmup, duration) = ScenarioRuns.Phases(settings);
        settings.CheckAllUsed();
        var report = new ScenarioReport("Load: mixed traffic (submits, polls, fetches)", "mixed", settings);
        var directory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;

        await using var nodes = await LoadNodes.StartAsync(Path.Combine(work, "nodes"), ternDll, new Dictionary<string, string>(), new Dictionary<string, string>()).ConfigureAwait(false);
        await using var floor = await FloorChild.StartAsync(Path.Combine(work, "floor"), size).ConfigureAwait(false);
        var capabilities = await FetchScenario.PrepareAsync(nodes, blobs, size, seed).ConfigureAwait(false);
        var body = new byte[size];
        new Random(seed).NextBytes(body);

        using var floorClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 3 * lanes }) { BaseAddress = floor.Http, Timeout = Timeout.InfiniteTimeSpan };
        var floorResult = await LoadRun.RunAsync(
            [
                new LoadStream(Options("submit", submitRate, lanes), new HttpTarget(floorClient, _ => Post("/v1/messages", body), HttpStatusCode.Created)),
                new LoadStream(Options("poll", pollRate, lanes), new HttpTarget(floorClient, _ => new HttpRequestMessage(HttpMethod.Get, "/v1/references"), HttpStatusCode.OK)),
                new LoadStream(Options("fetch", fetchRate, lanes), new HttpTarget(floorClient, _ => new HttpRequestMessage(HttpMethod.Get, "/blob"), HttpStatusCode.OK)),
            ],
            new LoadRunOptions
            {
                Warmup = warmup,
                Duration = duration,
                Seed = seed,
                Processes = [("floor", floor.ProcessId)],
                TimelinePath = Path.Combine(directory, "load-mixed.floor-timeline.csv"),
            }).ConfigureAwait(false);

        using var bob = LoadNodes.ClientApi(nodes.B, nodes.BobToken, lanes);
        using var alice = LoadNodes.ClientApi(nodes.A, nodes.AliceToken, lanes);
        using var door = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = lanes }) { BaseAddress = new Uri($"http://{nodes.A.Ports.Http}"), Timeout = Timeout.InfiniteTimeSpan };
        var inbox = RecipientHash.NewRandom();
        await ClientSteps.RegisterHashAsync(bob, inbox).ConfigureAwait(false);
        var submitPath = ClientSteps.SubmitPath([$"{inbox}@b.example"]);
        var ternResult = await LoadRun.RunAsync(
            [
                new LoadStream(Options("submit", submitRate, lanes), new HttpTarget(alice, _ => Post(submitPath, body), HttpStatusCode.Created)),
                new LoadStream(Options("poll", pollRate, lanes), new HttpTarget(bob, _ => new HttpRequestMessage(HttpMethod.Get, $"/v1/references?hash={inbox}&limit=100"), HttpStatusCode.OK)),
                new LoadStream(Options("fetch", fetchRate, lanes), new HttpTarget(door, sequence => new HttpRequestMessage(HttpMethod.Get, $"/v1/blobs/{capabilities[(int)(sequence % capabilities.Count)]}"), HttpStatusCode.OK)),
            ],
            new LoadRunOptions
            {
                Warmup = warmup,
                Duration = duration,
                Seed = seed,
                Processes = nodes.Processes,
                TimelinePath = Path.Combine(directory, "load-mixed.timeline.csv"),
            }).ConfigureAwait(false);

        var operations = ternResult.Streams.Sum(s => s.Counters.Ok);
        var nodeCpu = ternResult.ProcessCpu.Aggregate(TimeSpan.Zero, (total, p) => total + p.Cpu);
        report.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"**What runs.** Two `tern run` processes on loopback and three open-model streams at once, Poisson arrivals (seed {seed}), {lanes} lanes (kept-alive HTTP/1.1 connections) each: `submit`, alice's `POST /v1/messages` of {size} bytes to a hash bob registered at b.example, on a.example's client API, at {submitRate:F0}/s (each is stored durably, notified to b.example and filed there); `poll`, bob's `GET /v1/references?hash=…&limit=100` on b.example's client API at {pollRate:F0}/s (its list grows as the submits are filed); `fetch`, `GET /v1/blobs/{{capability}}` of {blobs} prepared {size}-byte blobs on a.example's HTTP door at {fetchRate:F0}/s. The baseline runs the same three streams against the floor process (`Tern.Load load-floor-serve`: a POST that reads the body and answers 201, an empty poll's JSON, the blob from memory) before."));
        report.Heading("Streams");
        report.Streams(("baseline: Kestrel, nothing behind", floorResult), ("Tern: a.example and b.example", ternResult));
        report.Heading("CPU over the measured phase");
        report.Cpu(("baseline", floorResult), ("Tern", ternResult));
        report.Heading("Ratios");
        report.Ratios(floorResult.Streams.Select(f => ($"{f.Name} p99 from due time (ms)", StreamResult.Milliseconds(ternResult[f.Name].Corrected, 99), StreamResult.Milliseconds(f.Corrected, 99), true, "—"))
            .Append(("server CPU per operation (µs; both nodes against the floor)", ScenarioRuns.MicrosecondsPer(nodeCpu, operations), ScenarioRuns.MicrosecondsPer(floorResult.ProcessCpu[0].Cpu, floorResult.Streams.Sum(s => s.Counters.Ok)), true, "—")));
        report.Write(reportPath);
        foreach (var line in floorResult.Format().Select(l => "FLOOR " + l).Concat(ternResult.Format().Select(l => "TERN " + l)))
        {
            Console.WriteLine(line);
        }
    }

    private static LoadStreamOptions Options(string name, double rate, int lanes) => new() { Name = name, Rate = rate, Lanes = lanes };

    private static HttpRequestMessage Post(string path, byte[] body) => new(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
}
