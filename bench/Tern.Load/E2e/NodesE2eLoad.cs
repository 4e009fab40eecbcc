using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tern.Load.Nodes;

namespace Tern.Load.E2e;

/// <summary>
/// End-to-end latency through node processes (issue 14): a.example and b.example as two <c>tern run</c> children on
/// loopback, each with its data directory written here (static peers files in place of DNS). alice submits over a.example's
/// client API; a.example notifies b.example; b.example pulls at once (bob's preference for a.example, set through the
/// client API); bob's client, on b.example's client API, listens on his event stream (<c>GET /v1/events/stream</c>) and
/// on the message's <c>pulled</c> event reads it (<c>GET /v1/stored/{id}</c>). Messages go one at a time, each timed from
/// the start of alice's POST to bob having read its bytes; bob then deletes it. Beside it, alternating in blocks,
/// <see cref="FloorPipeline"/> with client hops and the same shape: the same disk and network steps bare, in this
/// process, the recipient's side pushing a few bytes on an open connection to bob's, who then reads the message.
/// With <c>E2E_BOB=poll</c> (the method before, for an A/B of the method), bob lists his stored messages every
/// <see cref="PollInterval"/> until the message is there, the clock stopping at the list that shows it, and the floor's
/// recipient tells bob's side through a semaphore in this process.
/// </summary>
internal static class NodesE2eLoad
{
    internal const int Warmup = 200;
    internal const int Block = 250;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    // The warm-up goes on past Warmup messages while either node's runtime still recompiles methods optimized (its
    // tiering thread alive): a node JITs for 10-60 s after its start on two shared cores, and measured meanwhile the
    // JIT took half the nodes' CPU, from the steps a message waits for. Measured is a node in its steady state.
    internal static readonly TimeSpan MaxJitWarmup = TimeSpan.FromSeconds(120);
    internal static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    // A warm-up message may wait for a retransmission (2 s, doubling) when its first datagram came before the peer was
    // ready for it.
    internal static readonly TimeSpan WarmupStepTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string directory, int count, int size, string ternDll)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        await using var pair = await E2eNodePair.StartAsync(directory, ternDll).ConfigureAwait(false);
        var (nodeA, nodeB, hash) = (pair.A, pair.B, pair.Hash);
        var idle = (A: ProcStat.Rss(nodeA.ProcessId).Now, B: ProcStat.Rss(nodeB.ProcessId).Now);
        using var alice = Client(nodeA.Ports.ClientApi!, pair.AliceToken);
        using var bob = Client(nodeB.Ports.ClientApi!, pair.BobToken);

        var stream = Environment.GetEnvironmentVariable("E2E_BOB") != "poll";
        var wire = Environment.GetEnvironmentVariable("E2E_CLIENT") != "httpclient";
        using var events = stream && !wire ? await BobEvents.OpenAsync(bob).ConfigureAwait(false) : null;
        using var ends = wire ? new WireEnds(nodeA.Ports.ClientApi!, pair.AliceToken, nodeB.Ports.ClientApi!, pair.BobToken, stream, WarmupStepTimeout) : null;
        using var floor = new FloorPipeline(Path.Combine(directory, "floor"), size, clientHops: true, push: stream);
        var content = new byte[size];
        Random.Shared.NextBytes(content);
        var tern = new MessageSamples(count);
        var baseline = new MessageSamples(count);
        long sequence = 0;
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < Warmup || (pair.WarmingUp(i) && warming.Elapsed < MaxJitWarmup); i++)
        {
            await SendOneAsync(alice, bob, ends, events, hash, content, ++sequence, null).ConfigureAwait(false);
            floor.RunOne();
        }

        Console.WriteLine($"BOB {(stream ? "stream" : "poll")} CLIENT {(wire ? "wire" : "httpclient")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WARMUP messages={sequence} seconds={warming.Elapsed.TotalSeconds:F1} tiering_a={ProcStat.Tiering(nodeA.ProcessId)} tiering_b={ProcStat.Tiering(nodeB.ProcessId)}"));

        var gap = Gap();
        if (gap > TimeSpan.Zero)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GAP ms={gap.TotalMilliseconds:F1} before each measured message of both sides"));
        }

        var cpu = (A: ProcStat.Cpu(nodeA.ProcessId), B: ProcStat.Cpu(nodeB.ProcessId));
        for (var done = 0; done < count; done += Block)
        {
            var n = Math.Min(Block, count - done);
            for (var i = 0; i < n; i++)
            {
                Pause(gap);
                var start = Stopwatch.GetTimestamp();
                var (submitted, _, _, _, read) = floor.RunOne();
                baseline.Add(start, submitted, read);
            }

            for (var i = 0; i < n; i++)
            {
                Pause(gap);
                await SendOneAsync(alice, bob, ends, events, hash, content, ++sequence, tern).ConfigureAwait(false);
            }
        }

        cpu = (ProcStat.Cpu(nodeA.ProcessId) - cpu.A, ProcStat.Cpu(nodeB.ProcessId) - cpu.B);
        var loadedA = ProcStat.Rss(nodeA.ProcessId);
        var loadedB = ProcStat.Rss(nodeB.ProcessId);
        var (ternTotal, floorTotal) = (tern.Total(), baseline.Total());
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"RESULT {ternTotal.Format()} count={ternTotal.Count} {tern.Submit().Format("submit")} {tern.Seen().Format("seen")}"));
        Console.WriteLine(string.Create(inv, $"BASELINE {floorTotal.Format()} count={floorTotal.Count} {baseline.Submit().Format("submit")} {baseline.Seen().Format("seen")}"));
        Console.WriteLine(string.Create(inv, $"RATIO p50={ternTotal[50] / floorTotal[50]:F2} p90={ternTotal[90] / floorTotal[90]:F2} p99={ternTotal[99] / floorTotal[99]:F2}"));
        // Both nodes' CPU over the measured messages and the floor's blocks between them (the nodes idle meanwhile).
        Console.WriteLine(string.Create(inv,
            $"NODES a_cpu_us_per_message={cpu.A.TotalMicroseconds / count:F0} b_cpu_us_per_message={cpu.B.TotalMicroseconds / count:F0} a_rss_idle_mb={idle.A:F0} a_rss_loaded_mb={loadedA.Now:F0} a_rss_peak_mb={loadedA.Peak:F0} b_rss_idle_mb={idle.B:F0} b_rss_loaded_mb={loadedB.Now:F0} b_rss_peak_mb={loadedB.Peak:F0}"));
    }

    /// <summary>
    /// alice submits one message; bob's client learns it is stored (from his event stream, or listing his stored messages
    /// until it is there), then deletes it.
    /// </summary>
    private static async Task SendOneAsync(HttpClient alice, HttpClient bob, WireEnds? ends, BobEvents? events, string hash, byte[] content, long sequence, MessageSamples? samples)
    {
        // Each blob differs from the previous one (its first bytes count the messages), so its payload hash names it.
        BinaryPrimitives.WriteInt64LittleEndian(content, sequence);
        if (ends is not null)
        {
            ends.SendOne(hash, content, sequence, samples is null ? WarmupStepTimeout : StepTimeout, samples is null || sequence % Block == 0, samples is null ? null : samples.Add);
            return;
        }

        var start = Stopwatch.GetTimestamp();
        string payloadHash;
        using (var body = new ByteArrayContent(content))
        using (var response = await alice.PostAsync($"/v1/messages?to={hash}@b.example", body).ConfigureAwait(false))
        {
            Expect(response, HttpStatusCode.Created);
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
            payloadHash = json.RootElement.GetProperty("payloadHash").GetString()!;
        }

        var submitted = Stopwatch.GetTimestamp();
        if (events is not null)
        {
            // Told by the stream, then the read: the clock stops once bob has the bytes.
            var pulled = await events.NextPulledAsync(samples is null ? WarmupStepTimeout : StepTimeout).ConfigureAwait(false);
            var read = await bob.GetByteArrayAsync($"/v1/stored/{pulled}").ConfigureAwait(false);
            samples?.Add(start, submitted, Stopwatch.GetTimestamp());
            Check(read.AsSpan().SequenceEqual(content), $"message {sequence}: bob read other bytes than alice sent");
            ExpectAndDispose(await bob.DeleteAsync($"/v1/stored/{pulled}").ConfigureAwait(false), HttpStatusCode.NoContent, HttpStatusCode.OK);
            return;
        }

        string? id = null;
        while (id is null)
        {
            using (var response = await bob.GetAsync($"/v1/stored?hash={hash}").ConfigureAwait(false))
            {
                Expect(response, HttpStatusCode.OK);
                using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
                {
                    if (message.GetProperty("payloadHash").GetString() == payloadHash)
                    {
                        id = message.GetProperty("id").GetString();
                    }
                }
            }

            if (id is null)
            {
                var timeout = samples is null ? WarmupStepTimeout : StepTimeout;
                if (Stopwatch.GetElapsedTime(start) > timeout)
                {
                    throw new InvalidOperationException($"e2e-nodes: message {sequence} not stored for bob within {timeout}");
                }

                Thread.Sleep(PollInterval);
            }
        }

        var seen = Stopwatch.GetTimestamp();
        samples?.Add(start, submitted, seen);
        if (samples is null || sequence % Block == 0)
        {
            // Now and then, the bytes bob reads are the bytes alice sent.
            var stored = await bob.GetByteArrayAsync($"/v1/stored/{id}").ConfigureAwait(false);
            Check(stored.AsSpan().SequenceEqual(content), $"message {sequence}: bob read other bytes than alice sent");
        }

        ExpectAndDispose(await bob.DeleteAsync($"/v1/stored/{id}").ConfigureAwait(false), HttpStatusCode.NoContent, HttpStatusCode.OK);
    }

    /// <summary>
    /// <c>E2E_GAP_MS</c>: the pause before each measured message, Tern's and the floor's alike (default 0, back to back).
    /// A node sees mail a message now and then, its threads and the machine's cores idle between; back to back, every
    /// step finds them warm.
    /// </summary>
    private static TimeSpan Gap() =>
        double.TryParse(Environment.GetEnvironmentVariable("E2E_GAP_MS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.Zero;

    private static void Pause(TimeSpan gap)
    {
        if (gap > TimeSpan.Zero)
        {
            Thread.Sleep(gap);
        }
    }

    private static HttpClient Client(string endpoint, string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 4 }) { BaseAddress = new Uri($"http://{endpoint}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static void Expect(HttpResponseMessage response, params HttpStatusCode[] expected) =>
        Check(expected.Contains(response.StatusCode), $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}");

    private static void ExpectAndDispose(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        using (response)
        {
            Expect(response, expected);
        }
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"e2e-nodes: {failure}");
        }
    }
}
