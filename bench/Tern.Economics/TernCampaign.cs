using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol;
using Tern.Load.Nodes;
using Tern.Node;

namespace Tern.Economics;

/// <summary>
/// The campaign through three <c>tern run</c> processes on loopback: spam.example (the bulk sender), a.example (the
/// legitimate sender) and b.example (the recipients' node). spam.example batch-submits one blob to N fresh recipient
/// hashes at b.example (one message per 1000 recipients, the most one submission may name) for each pull rate; a share of
/// the hashes is set to pull spam.example at once through b.example's admin preferences, the rest keep the default
/// (the reference waits, never pulled). a.example's alice sends to bob throughout (<see cref="LegitSender"/>).
/// </summary>
internal static class TernCampaign
{
    private const int MaxRecipientsPerMessage = 1000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long the legitimate sender's latencies are taken from each campaign's start, and the idle phase's least.</summary>
    public static readonly TimeSpan LegitWindow = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The warm-up, the idle phase, a campaign per pull rate and the block phase. <c>smallRecipients</c>: a second
    /// campaign nobody pulls, of that size, run just before the main 0 % one: the slope between the two sizes is the
    /// marginal cost of an ignored notification, with the window's fixed costs (its snapshots, the first batch's start,
    /// the last references' tail) out of it (0: none). <c>profile</c>: started on b.example's process id around the main
    /// 0 % campaign (perf record), disposed at its end (null: none).
    /// </summary>
    public static async Task<TernResults> RunAsync(string directory, string ternDll, int recipients, int smallRecipients, IReadOnlyList<double> pullRates, int blobBytes,
        TimeSpan warmup, TimeSpan idle, Func<int, IDisposable>? profile = null)
    {
        var (a, spam, b) = (Path.Combine(directory, "a.example"), Path.Combine(directory, "spam.example"), Path.Combine(directory, "b.example"));
        var (notifyA, notifySpam, notifyB) = (FreeUdpPort(), FreeUdpPort(), FreeUdpPort());
        NodeDataDirectory.Create(a, "a.example", new Dictionary<string, string> { ["Tern:Node:NotifyEndpoint"] = notifyA });
        NodeDataDirectory.Create(spam, "spam.example", new Dictionary<string, string>
        {
            ["Tern:Node:NotifyEndpoint"] = notifySpam,
            ["Tern:ClientApi:MaxRecipients"] = "1000",
            ["Tern:ClientApi:MaxBatchBytes"] = (8 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            // No retransmission within the run (the protocol's longest first interval, an hour): each window then holds
            // the campaign's own first notifications, not the earlier campaigns' retransmissions, which at 100 000
            // recipients a campaign outnumbered them three to one and set the window's length. What the retransmissions
            // until expiry cost is counted from the §4.6 schedule instead.
            ["Tern:Delivery:InitialRetransmitInterval"] = "01:00:00",
        });
        // b.example files every campaign (one per pull rate, the warm-up's and the block phase's) and keeps them pending.
        NodeDataDirectory.Create(b, "b.example", new Dictionary<string, string> { ["Tern:Node:NotifyEndpoint"] = notifyB },
            references: ((long)recipients * (pullRates.Count + 1)) + WarmupRecipients(recipients) + smallRecipients + 10_000);
        NodeDataDirectory.WritePeers(a, [("b.example", TernDataDirectory.Keys(b), notifyB)]);
        NodeDataDirectory.WritePeers(spam, [("b.example", TernDataDirectory.Keys(b), notifyB)]);
        NodeDataDirectory.WritePeers(b, [("a.example", TernDataDirectory.Keys(a), notifyA), ("spam.example", TernDataDirectory.Keys(spam), notifySpam)]);
        var aliceToken = UserDirectory.Open(a).Add("alice", "alice@a.example").Token;
        var spammerToken = UserDirectory.Open(spam).Add("bulk", "bulk@spam.example").Token;
        var bobToken = UserDirectory.Open(b).Add("bob", "bob@b.example").Token;

        await using var nodeA = await NodeChild.StartAsync(ternDll, a).ConfigureAwait(false);
        await using var nodeSpam = await NodeChild.StartAsync(ternDll, spam).ConfigureAwait(false);
        await using var nodeB = await NodeChild.StartAsync(ternDll, b).ConfigureAwait(false);
        using var alice = new Http(nodeA.Ports.ClientApi!, aliceToken);
        using var bulk = new Http(nodeSpam.Ports.ClientApi!, spammerToken);
        using var bob = new Http(nodeB.Ports.ClientApi!, bobToken);
        using var spamAdmin = new Http(nodeSpam.Ports.Admin!, AdminToken(spam));
        using var bAdmin = new Http(nodeB.Ports.Admin!, AdminToken(b));

        var bobHash = RecipientHash.NewRandom().ToString();
        await bob.SendAsync(HttpMethod.Put, $"/v1/hashes/{bobHash}", null, HttpStatusCode.Created, HttpStatusCode.NoContent).ConfigureAwait(false);
        await bob.SendAsync(HttpMethod.Put, "/v1/preferences/a.example", new JsonObject { ["pull"] = "immediately" }, HttpStatusCode.NoContent).ConfigureAwait(false);

        using var aAdmin = new Http(nodeA.Ports.Admin!, AdminToken(a));
        // Where a legitimate message that is not stored in time waited: a.example's delivery (attempts, state), whether
        // b.example filed its reference (pending for bob) or never did, and b.example's ingest and pull counters.
        async Task<string> Diagnose(string messageId, string payloadHash)
        {
            var status = await alice.GetAsync($"/v1/messages/{messageId}").ConfigureAwait(false);
            var references = await bob.GetAsync($"/v1/references?hash={bobHash}").ConfigureAwait(false);
            var filed = references["references"]?.AsArray().Any(r => r?["payloadHash"]?.GetValue<string>() == payloadHash) ?? false;
            var stats = await bAdmin.GetAsync("/admin/v1/stats").ConfigureAwait(false);
            var aStats = await aAdmin.GetAsync("/admin/v1/stats").ConfigureAwait(false);
            return $"a.example's delivery {status["deliveries"]?.ToJsonString()}; a.example's notify {aStats["notify"]?.ToJsonString()}; " +
                $"at b.example {(filed ? "filed, pending for bob (not pulled)" : "not pending for bob (never filed, or pulled and not listed)")}; " +
                $"b.example's notify {stats["notify"]?.ToJsonString()}, pull {stats["pull"]?.ToJsonString()}";
        }

        var legit = new LegitSender(alice, bob, bobHash, Diagnose);
        using var stop = new CancellationTokenSource();
        var legitTask = Task.Run(() => legit.RunAsync(stop.Token));
        Task<NodeSnapshot> Snapshot() => NodeSnapshot.TakeAsync(legit.Now, nodeSpam.ProcessId, nodeB.ProcessId, spamAdmin, bAdmin, b);
        Task<Progress> Probe() => Progress.TakeAsync(legit.Now, spamAdmin, bAdmin);

        // Warm-up: the legitimate traffic and one campaign, so the nodes' JIT is done before anything is measured. The
        // campaign is large enough for the ingest's per-batch methods to reach their last tier (tiered compilation
        // recompiles a method after 30 calls, then again with its profile): with 1000 recipients (143 datagrams, a few
        // receive batches) b.example still spent about half its CPU in the JIT during the first measured campaign.
        Console.WriteLine($"tern: warm-up {warmup.TotalSeconds:F0} s");
        await CampaignAsync(bulk, NewHashes(WarmupRecipients(recipients)), blobBytes).ConfigureAwait(false);
        await Task.Delay(warmup).ConfigureAwait(false);

        Console.WriteLine($"tern: idle phase {idle.TotalSeconds:F0} s (legitimate traffic alone)");
        var idleBefore = await Snapshot().ConfigureAwait(false);
        // The same probes a campaign's wait makes, as often, so their cost is in the background rate.
        while (legit.Now - idleBefore.At < idle.TotalSeconds)
        {
            await Probe().ConfigureAwait(false);
            await Task.Delay(ProbeInterval).ConfigureAwait(false);
        }

        var idleAfter = await Snapshot().ConfigureAwait(false);
        var idleLegit = legit.Between(idleBefore.At, idleAfter.At);

        // The campaigns nobody pulls run with the legitimate traffic paused, after a quiet phase that gives their
        // background (the probes, the nodes' timers): on two shared cores the legitimate traffic cost b about as much
        // CPU a second as a campaign's notifications, and its rate varied with the load, so subtracting it left noise
        // as large as the figure.
        TernRunResult? small = null;
        NodeSnapshot? quietBefore = null, quietAfter = null;
        if (pullRates.Contains(0))
        {
            Console.WriteLine($"tern: quiet phase {2 * QuietIdle.TotalSeconds:F0} s (legitimate traffic paused; the last {QuietIdle.TotalSeconds:F0} s measured)");
            await legit.PauseAsync().ConfigureAwait(false);
            // The first seconds after the pause still carry the legitimate traffic's after-effects (its last pulls,
            // event-log writes and collections): measured from there, the quiet rate came out above what b spent beside
            // the campaign in the windows that followed (its process CPU net of it fell below its receive thread's).
            var settleFrom = legit.Now;
            while (legit.Now - settleFrom < QuietIdle.TotalSeconds)
            {
                await Probe().ConfigureAwait(false);
                await Task.Delay(ProbeInterval).ConfigureAwait(false);
            }

            quietBefore = await Snapshot().ConfigureAwait(false);
            while (legit.Now - quietBefore.At < QuietIdle.TotalSeconds)
            {
                await Probe().ConfigureAwait(false);
                await Task.Delay(ProbeInterval).ConfigureAwait(false);
            }

            quietAfter = await Snapshot().ConfigureAwait(false);
            if (smallRecipients > 0)
            {
                Console.WriteLine($"tern: campaign to {smallRecipients} recipients, none pulling (the slope's small size)");
                var beforeSmall = await Snapshot().ConfigureAwait(false);
                var startSmall = await Probe().ConfigureAwait(false);
                await CampaignAsync(bulk, NewHashes(smallRecipients), blobBytes).ConfigureAwait(false);
                await WaitSettledAsync(Probe, startSmall, blobBytes, smallRecipients, 0).ConfigureAwait(false);
                var afterSmall = await Snapshot().ConfigureAwait(false);
                small = new TernRunResult(0, smallRecipients, 0, beforeSmall, afterSmall, [], Quiet: true);
                Console.WriteLine($"tern:   filed {afterSmall.PendingFromSpam - beforeSmall.PendingFromSpam}, {afterSmall.At - beforeSmall.At:F1} s");
            }
        }

        var runs = new List<TernRunResult>();
        foreach (var rate in pullRates.OrderBy(r => r))
        {

            var hashes = NewHashes(recipients);
            var pulling = (int)Math.Round(recipients * rate);
            // Four at a time: 10 000 one after another (10 % of 100 000) took longer than the campaign itself.
            await Parallel.ForEachAsync(hashes.Take(pulling), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (hash, _) =>
                await bAdmin.SendAsync(HttpMethod.Put, "/admin/v1/preferences",
                    new JsonObject { ["recipientHash"] = hash, ["senderDomain"] = "spam.example", ["preference"] = "immediately" }, HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false)).ConfigureAwait(false);

            Console.WriteLine($"tern: campaign to {recipients} recipients, {pulling} pulling ({rate:P1})");
            var profiling = rate == 0 ? profile?.Invoke(nodeB.ProcessId) : null;
            var before = await Snapshot().ConfigureAwait(false);
            var start = await Probe().ConfigureAwait(false);
            await CampaignAsync(bulk, hashes, blobBytes).ConfigureAwait(false);
            await WaitSettledAsync(Probe, start, blobBytes, recipients, pulling).ConfigureAwait(false);
            var after = await Snapshot().ConfigureAwait(false);
            // The fetch doors count a blob served before the sender's ledger counts its delivery fetched: give the
            // ledger the time to catch up, so the funnel's pulled are the ledger's.
            for (var waited = 0; after.Fetched - before.Fetched < pulling && waited < 40; waited++)
            {
                await Task.Delay(ProbeInterval).ConfigureAwait(false);
                after = await Snapshot().ConfigureAwait(false);
            }

            profiling?.Dispose();
            if (rate == 0)
            {
                legit.Resume();
                runs.Add(new TernRunResult(rate, recipients, pulling, before, after, [], Quiet: true));
                Console.WriteLine($"tern:   filed {after.PendingFromSpam - before.PendingFromSpam}, {after.At - before.At:F1} s (legitimate traffic paused)");
                continue;
            }

            // The legitimate sender's latencies over LegitWindow from the campaign's start (the burst and the first
            // retransmissions), so its p99 rests on about a hundred and fifty messages.
            var rest = before.At + LegitWindow.TotalSeconds - legit.Now;
            if (rest > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(rest)).ConfigureAwait(false);
            }

            runs.Add(new TernRunResult(rate, recipients, pulling, before, after, legit.Between(before.At, before.At + LegitWindow.TotalSeconds),
                LegitSlow: legit.SlowBetween(before.At, before.At + LegitWindow.TotalSeconds)));
            Console.WriteLine($"tern:   filed {after.PendingFromSpam - before.PendingFromSpam + after.Fetched - before.Fetched}, pulled {after.Fetched - before.Fetched}, {after.At - before.At:F1} s");
        }

        var blockFrom = legit.Now;
        var block = await BlockAsync(bulk, bAdmin, Snapshot, Probe, () => legit.Now, recipients, blobBytes).ConfigureAwait(false);
        var blockLegit = legit.Between(blockFrom, legit.Now);
        await stop.CancelAsync().ConfigureAwait(false);
        await legitTask.ConfigureAwait(false);
        // The recipient's state at campaign scale: b.example stopped (its closing checkpoint writes every store) and its
        // pending table's files measured, over the references it held (every campaign's, less those pulled).
        var held = await bAdmin.GetAsync("/admin/v1/stats").ConfigureAwait(false);
        await nodeB.DisposeAsync().ConfigureAwait(false);
        var state = PendingState.Measure(Path.Combine(b, "pending"), Http.Long(held["pendingReferences"]));
        Console.WriteLine($"tern: b.example stopped; its pending table holds {state.Total} bytes for {state.References} references");
        return new TernResults(blobBytes, Expiry.TotalHours, idleBefore, idleAfter, idleLegit, quietBefore, quietAfter, runs, small, block, blockLegit, legit.Stalls, state,
            legit.SlowBetween(idleBefore.At, idleAfter.At));
    }

    /// <summary>The warm-up campaign's size: 20 000 recipients, or the campaign's own size when smaller.</summary>
    private static int WarmupRecipients(int recipients) => Math.Min(recipients, 20_000);

    /// <summary>The transit expiry of the campaign's messages (the ledger charges each delivery until then, or until fetched).</summary>
    public static TimeSpan Expiry { get; } = TimeSpan.FromHours(24);

    /// <summary>How often the block phase samples spam.example's pending references at b.example.</summary>
    public static readonly TimeSpan BlockSampleInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Half a campaign with every recipient ignoring it, then b.example blocks spam.example (admin API) and the other half
    /// is sent: spam.example's pending references at b.example are sampled every <see cref="BlockSampleInterval"/> throughout.
    /// </summary>
    private static async Task<BlockResult> BlockAsync(Http bulk, Http bAdmin, Func<Task<NodeSnapshot>> snapshot, Func<Task<Progress>> probe, Func<double> now, int recipients, int blobBytes)
    {
        Console.WriteLine($"tern: block phase, {recipients / 2} recipients before the block and {recipients / 2} after");
        var samples = new List<(double, long)>();
        using var stop = new CancellationTokenSource();
        // The sampler reads only what the plot and the time to zero need: b.example's count of spam.example's references,
        // a counter its admin API reads without a scan. A whole snapshot every few ms (the earlier sampler) also asked
        // spam.example's /economics, which walks every delivery of its transit store under the store's index lock (about
        // 46 000 at 10 000 recipients a campaign), and its /stats, /metrics and b's pending directory: a core's worth of
        // work on two cores, in the very processes the phase measures, charged to b's CPU per blocked record.
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var at = now();
                var pending = await PendingFromSpamAsync(bAdmin).ConfigureAwait(false);
                lock (samples)
                {
                    samples.Add((at, pending));
                }

                await Task.Delay(BlockSampleInterval, CancellationToken.None).ConfigureAwait(false);
            }
        });
        var first = await probe().ConfigureAwait(false);
        await CampaignAsync(bulk, NewHashes(recipients / 2), blobBytes).ConfigureAwait(false);
        await WaitSettledAsync(probe, first, blobBytes, recipients / 2, 0).ConfigureAwait(false);
        await bAdmin.SendAsync(HttpMethod.Put, "/admin/v1/blocks/spam.example", null, HttpStatusCode.NoContent, HttpStatusCode.OK, HttpStatusCode.Created).ConfigureAwait(false);
        var before = await snapshot().ConfigureAwait(false);
        var blockedAt = before.At;
        var blockedProgress = await probe().ConfigureAwait(false);
        await CampaignAsync(bulk, NewHashes(recipients / 2), blobBytes).ConfigureAwait(false);
        await WaitSettledAsync(probe, blockedProgress, blobBytes, 0, 0, blocked: recipients / 2).ConfigureAwait(false);
        var after = await snapshot().ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        await bAdmin.DeleteAsync("/admin/v1/blocks/spam.example").ConfigureAwait(false);
        lock (samples)
        {
            return new BlockResult(recipients / 2, blockedAt, [.. samples], before, after);
        }
    }

    private static async Task<long> PendingFromSpamAsync(Http recipientAdmin)
    {
        var economics = await recipientAdmin.GetAsync("/admin/v1/economics").ConfigureAwait(false);
        return Http.Long(economics["domains"]!.AsArray().FirstOrDefault(d => d!["domain"]!.GetValue<string>() == "spam.example")?["pendingReferences"]);
    }

    /// <summary>The quiet phase's length: the background of the campaigns nobody pulls, the legitimate traffic paused.</summary>
    private static readonly TimeSpan QuietIdle = TimeSpan.FromSeconds(5);

    /// <summary>How often a wait (and the idle phase) probes the campaign's progress.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits until <paramref name="filed"/> references (pending or fetched) and <paramref name="fetched"/> fetches and
    /// <paramref name="blocked"/> blocked records are counted since <paramref name="start"/>, or nothing moved for
    /// <see cref="Settle"/>, or <see cref="RunTimeout"/>.
    /// </summary>
    private static async Task WaitSettledAsync(Func<Task<Progress>> probe, Progress start, int blobBytes, long filed, long fetched, long blocked = 0)
    {
        bool Done(Progress p)
        {
            var pulled = p.FetchedSince(start, blobBytes);
            return p.PendingFromSpam - start.PendingFromSpam + pulled >= filed && pulled >= fetched && p.BlockedRecords - start.BlockedRecords >= blocked;
        }

        var last = await probe().ConfigureAwait(false);
        var lastChange = last.At;
        while (!Done(last) && last.At - lastChange < Settle.TotalSeconds && last.At - start.At < RunTimeout.TotalSeconds)
        {
            await Task.Delay(ProbeInterval).ConfigureAwait(false);
            var now = await probe().ConfigureAwait(false);
            if (now.MovedSince(last))
            {
                lastChange = now.At;
            }

            last = now;
        }
    }

    /// <summary>One blob to every hash: messages of up to 1000 recipients each, in batch submits of at most 8 MiB.</summary>
    private static async Task CampaignAsync(Http bulk, List<string> hashes, int blobBytes)
    {
        var body = new byte[blobBytes];
        Random.Shared.NextBytes(body);
        var encoded = Convert.ToBase64String(body);
        var perBatch = Math.Max(1, (6 << 20) / (encoded.Length + (MaxRecipientsPerMessage * 60)));
        var expires = DateTimeOffset.UtcNow.Add(Expiry).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var messages = hashes.Chunk(MaxRecipientsPerMessage).Select(chunk => new JsonObject
        {
            ["to"] = new JsonArray([.. chunk.Select(h => JsonValue.Create(h + "@b.example"))]),
            ["body"] = encoded,
            ["expires"] = expires,
        }).ToList();
        foreach (var batch in messages.Chunk(perBatch))
        {
            var answer = await bulk.SendAsync(HttpMethod.Post, "/v1/messages/batch", new JsonObject { ["messages"] = new JsonArray([.. batch]) }, HttpStatusCode.OK).ConfigureAwait(false);
            if (Http.Long(answer!["failed"]) != 0)
            {
                throw new InvalidOperationException($"batch submit refused messages: {answer.ToJsonString()}");
            }
        }
    }

    private static List<string> NewHashes(int count) => [.. Enumerable.Range(0, count).Select(_ => RecipientHash.NewRandom().ToString())];

    private static string AdminToken(string directory) => File.ReadAllText(TernDataDirectory.AdminTokenFile(directory)).Trim();

    private static string FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!.ToString()!;
    }
}
