using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.ClientApi;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Node;

namespace Tern.Load;

/// <summary>
/// Event-log latency (docs/C2S.md §15) on a node with <c>users</c> users and <c>events</c> events already in its log
/// (seeded in the log's file format before the node starts, so the node opens and indexes them as after a restart).
/// For each sample a random user registers a new hash (PUT /v1/hashes: one durable append, answered after the fsync)
/// while another connection of the same user waits for it: by long poll (GET /v1/events?wait=30) or on an SSE stream.
/// Latency is from just before the PUT is sent to the moment the waiting client has the event. Beside it in the same
/// run: the PUT's own round trip (the append, durable) and a bare in-memory channel (write to read of one item).
/// </summary>
internal static class EventsLoad
{
    public static async Task RunAsync(string directory, int users, int events, int samples)
    {
        using (var keys = DomainKeySet.Generate("a.example"))
        {
            keys.Save(TernDataDirectory.Keys(directory));
        }

        var seed = Stopwatch.StartNew();
        Seed(directory, users, events);
        Console.WriteLine($"seeded {users} users and {events} events in {seed.Elapsed.TotalSeconds:F1} s");

        var settings = new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = "a.example",
            ["Tern:Node:DataDirectory"] = directory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:ClientApi:MaxHashesPerUser"] = "100000",
        };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTernNode(builder.Configuration);
        builder.Services.AddTernClientApi(builder.Configuration);
        using var host = builder.Build();
        var open = Stopwatch.StartNew();
        await host.StartAsync();
        Console.WriteLine($"node started (log opened and indexed) in {open.Elapsed.TotalSeconds:F1} s");
        var node = host.Services.GetRequiredService<TernNode>();
        var baseAddress = new Uri($"http://{node.ClientApiEndPoint}");

        var random = new Random(7);
        var put = new List<double>();
        var poll = new List<double>();
        var push = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var user = random.Next(users);
            using var actor = Client(baseAddress, user);
            using var watcher = Client(baseAddress, user);
            var last = (ulong)(events / users) + (ulong)CountSamplesOf(user);
            Bump(user);

            // Long poll: the watcher waits, the actor appends.
            var waiting = watcher.GetStringAsync($"/v1/events?after={last}&wait=30");
            await Task.Delay(20);
            var start = Stopwatch.GetTimestamp();
            var answered = actor.PutAsync($"/v1/hashes/{RecipientHash.NewRandom()}", null);
            var text = await waiting;
            poll.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            (await answered).EnsureSuccessStatusCode();
            put.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Check(text, last + 1);

            // Push: the watcher's stream is open and idle, the actor appends.
            Bump(user);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/events/stream?after={last + 1}");
            using var response = await watcher.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await reader.ReadLineAsync(); // ": tern events"
            await reader.ReadLineAsync();
            start = Stopwatch.GetTimestamp();
            using var put2 = await actor.PutAsync($"/v1/hashes/{RecipientHash.NewRandom()}", null);
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
            {
            }

            push.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Check(line ?? "", last + 2);
        }

        var channel = await ChannelAsync(samples);
        await host.StopAsync();
        Report("PUT /v1/hashes round trip (durable append)", put);
        Report("long poll: append to answer", poll);
        Report("SSE push: append to event", push);
        Report("baseline: bare in-memory channel, write to read", channel);
        Console.WriteLine($"ratio p50 long poll / PUT round trip: {Percentile(poll, 50) / Percentile(put, 50):F2}; push / PUT: {Percentile(push, 50) / Percentile(put, 50):F2}");
    }

    private static readonly Dictionary<int, int> Samples = [];

    private static int CountSamplesOf(int user) => Samples.GetValueOrDefault(user);

    private static void Bump(int user) => Samples[user] = Samples.GetValueOrDefault(user) + 1;

    private static void Check(string text, ulong sequence)
    {
        if (!text.Contains($"\"sequence\":\"{sequence.ToString(CultureInfo.InvariantCulture)}\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected event {sequence}, got {text[..Math.Min(200, text.Length)]}");
        }
    }

    private static HttpClient Client(Uri baseAddress, int user)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        return client;
    }

    private static string Token(int user) => "tern_bench-user-token-" + user.ToString(CultureInfo.InvariantCulture);

    /// <summary>The users file and the event log, written in their formats: every user gets events/users events.</summary>
    private static void Seed(string directory, int users, int events)
    {
        var json = new StringBuilder("{\"version\":1,\"users\":[");
        for (var u = 0; u < users; u++)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token(u))));
            json.Append(u > 0 ? "," : "").Append(CultureInfo.InvariantCulture, $"{{\"name\":\"u{u}\",\"address\":\"u{u}@a.example\",\"tokenSha256\":\"{hash}\",\"hashes\":[],\"preferences\":{{}},\"blocked\":[]}}");
        }

        json.Append("]}");
        File.WriteAllText(Path.Combine(directory, "users.json"), json.ToString());
        var state = Path.Combine(directory, "clientapi");
        Directory.CreateDirectory(state);
        using var log = new StreamWriter(Path.Combine(state, "events.log"), false, new UTF8Encoding(false), 1 << 20);
        var perUser = events / users;
        for (var s = 1; s <= perUser; s++)
        {
            for (var u = 0; u < users; u++)
            {
                log.Write(string.Create(CultureInfo.InvariantCulture, $"u{u}\t{s}\t{{\"sequence\":\"{s}\",\"type\":\"hashes_changed\",\"time\":\"2026-12-06T00:00:00.000Z\",\"hash\":\"{RecipientHash.NewRandom()}\",\"registered\":true}}\n"));
            }
        }
    }

    private static async Task<List<double>> ChannelAsync(int samples)
    {
        var channel = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
        var latencies = new List<double>();
        var reader = Task.Run(async () =>
        {
            await foreach (var sent in channel.Reader.ReadAllAsync())
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        });
        for (var i = 0; i < samples; i++)
        {
            channel.Writer.TryWrite(Stopwatch.GetTimestamp());
            await Task.Delay(5);
        }

        channel.Writer.Complete();
        await reader;
        return latencies;
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }

    private static void Report(string what, List<double> values) =>
        Console.WriteLine($"{what}: n={values.Count} p50={Percentile(values, 50):F3} ms p99={Percentile(values, 99):F3} ms");
}
