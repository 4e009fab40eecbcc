using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tern.ClientApi.Users;
using Tern.ColdKeyBench;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Load.Nodes;
using Tern.Node;

namespace Tern.Load.Flood;

/// <summary>
/// Issue 16's overload run through a <c>tern run</c> child (b.example), bounded in count and time, loopback only:
/// <list type="number">
/// <item>warm-up, then an idle phase: a legitimate peer sends sealed notifications at a set rate while three probes ask,
/// each every 20 ms, the admin API (<c>GET /admin/v1/stats</c>), the HTTP fetch door (a 64 KiB blob the node holds for
/// c.example, read whole) and the client API (<c>GET /v1/capabilities</c>);</item>
/// <item>the node's ingest capacity, measured here: the node stopped (SIGSTOP) while a burst of sealed notifications
/// from a verified peer key fills its socket, then continued; the rate it empties the socket at;</item>
/// <item>the flood at a multiple of that capacity (<see cref="FloodMix"/>) with the same legitimate peer and probes;
/// then every datagram sent accounted for from the node's own counters.</item>
/// </list>
/// The node is pinned to core 0 and this process to core 1: the receive thread, Kestrel's threads and the rest of the
/// node share one core, the case where a busy receive thread could starve the HTTP surfaces.
/// </summary>
internal static class FloodLoad
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);
    private const int BlobBytes = 64 * 1024;

    public static async Task RunAsync(string directory, string ternDll, FloodSettings settings)
    {
        var nodeDirectory = Path.Combine(directory, "b.example");
        using var c = new CapabilitySink(Path.Combine(directory, "c.example-keys"));
        NodeDataDirectory.Create(nodeDirectory, "b.example", new Dictionary<string, string>
        {
            ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:PullPreference"] = "WhenRequested",
            ["Tern:Udp:ReceiveBufferBytes"] = settings.ReceiveBufferBytes.ToString(CultureInfo.InvariantCulture),
            ["Tern:Udp:ReceiveThreadNiceIncrement"] = settings.NiceIncrement.ToString(CultureInfo.InvariantCulture),
            // The probe's blob is notified once: c.example never fetches it through its own door.
            ["Tern:Delivery:InitialRetransmitInterval"] = "01:00:00",
        }, references: settings.CapacityCount + (long)(settings.LegitimatePerSecond * (settings.IdleSeconds + settings.FloodSeconds + 90)));
        NodeDataDirectory.WritePeers(nodeDirectory, [(CapabilitySink.Domain, c.KeysDirectory, c.Endpoint)]);
        var userToken = UserDirectory.Open(nodeDirectory).Add("load", "load@b.example").Token;

        await using var node = await NodeChild.StartAsync(ternDll, nodeDirectory).ConfigureAwait(false);
        var pid = node.ProcessId;
        await PinAsync(pid, "0").ConfigureAwait(false);
        await PinAsync(Environment.ProcessId, "1").ConfigureAwait(false);
        var port = IPEndPoint.Parse(node.Ports.Notify);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://{node.Ports.Admin}"), Timeout = TimeSpan.FromSeconds(60) };
        var adminToken = (await File.ReadAllTextAsync(TernDataDirectory.AdminTokenFile(nodeDirectory)).ConfigureAwait(false)).Trim();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);

        var capability = await SubmitProbeBlobAsync(node.Ports.ClientApi!, userToken, c).ConfigureAwait(false);
        byte[] receiver;
        using (var keys = DomainKeySet.Load(TernDataDirectory.Keys(nodeDirectory)))
        {
            receiver = keys.AgreementPublicKey.ToArray();
        }

        using var legitimatePeer = new SealingPeer("legit.example", receiver);
        using var capacityPeer = new SealingPeer("capacity.example", receiver);
        using var legitimate = new LegitimateStream(legitimatePeer, port);

        // Both peers are heard once first: their keys are verified and cached before anything is measured.
        legitimate.SendOne();
        using (var sender = new SourcedSender(port))
        {
            sender.Commit(capacityPeer.Seal(sender.Next()), [127, 0, 1, 1]);
            sender.Flush();
        }

        await WaitAsync(async () => (await NotifyCounters.ReadAsync(admin).ConfigureAwait(false)).RecordsAccepted >= 2, "the two peers' first notifications filed").ConfigureAwait(false);

        using var adminProbe = new HttpProbe("admin", new Uri($"http://{node.Ports.Admin}/admin/v1/stats"), adminToken, ProbeInterval);
        using var fetchProbe = new HttpProbe("fetch", new Uri($"http://{node.Ports.Http}/v1/blobs/{capability}"), null, ProbeInterval);
        using var clientProbe = new HttpProbe("capabilities", new Uri($"http://{node.Ports.ClientApi}/v1/capabilities"), null, ProbeInterval);
        HttpProbe[] probes = [adminProbe, fetchProbe, clientProbe];
        var result = new StringBuilder("RESULT");

        // Warm-up (discarded) until the node's runtime has stopped tiering (its steady-state code, as e2e-nodes waits for),
        // at most a minute; then idle: the legitimate peer and the probes only.
        for (var round = 0; round < 20 && (round < 2 || ProcStat.Tiering(pid)); round++)
        {
            await PhaseAsync("warmup", TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }

        Append(result, "warmed_up_tiering", ProcStat.Tiering(pid) ? 1 : 0);
        var idleBefore = await NotifyCounters.ReadAsync(admin).ConfigureAwait(false);
        var legitimateBefore = legitimate.Sent;
        var idleRss = await PhaseAsync("idle", TimeSpan.FromSeconds(settings.IdleSeconds)).ConfigureAwait(false);
        await Task.Delay(500).ConfigureAwait(false);
        var idle = (await NotifyCounters.ReadAsync(admin).ConfigureAwait(false)).Minus(idleBefore);
        Append(result, "idle_legit_sent", legitimate.Sent - legitimateBefore);
        Append(result, "idle_legit_filed", idle.Pending);
        Append(result, "rss_idle_mb", idleRss);

        // Capacity: the same node empties a full socket of sealed notifications, each a new pending reference.
        var capacity = await CapacityAsync(node, port, admin, capacityPeer, settings.CapacityCount, result).ConfigureAwait(false);
        Append(result, "rss_after_capacity_mb", ProcStat.Rss(pid).Now);

        // The flood, with the legitimate peer and the probes; its replays are of notifications the node has filed.
        var replays = new List<byte[]>();
        using (var sender = new SourcedSender(port))
        {
            for (var i = 0; i < 64; i++)
            {
                var slot = sender.Next();
                var length = capacityPeer.Seal(slot);
                replays.Add(slot[..length].ToArray());
                sender.Commit(length, [127, 0, 1, 1]);
            }

            sender.Flush();
        }

        await Task.Delay(1000).ConfigureAwait(false);
        var before = await NotifyCounters.ReadAsync(admin).ConfigureAwait(false);
        var kernelBefore = PortQueue.Of(port.Port)?.Drops ?? -1;
        legitimateBefore = legitimate.Sent;
        var rate = settings.Multiple * capacity;
        var mix = new FloodMix(port, replays);
        var cpuBefore = ProcStat.Cpu(pid);
        var floodRss = await PhaseAsync("flood", TimeSpan.Zero, () => mix.Run(rate, settings.FloodSeconds)).ConfigureAwait(false);
        var nodeCpu = (ProcStat.Cpu(pid) - cpuBefore).TotalSeconds / mix.Elapsed.TotalSeconds;
        var legitimateSent = legitimate.Sent - legitimateBefore;

        // Drained: nothing queued on the port and the node's count still for half a second.
        NotifyCounters after = before;
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(120))
        {
            var read = await NotifyCounters.ReadAsync(admin).ConfigureAwait(false);
            if (read.Received == after.Received && PortQueue.Of(port.Port) is { Queued: 0 })
            {
                break;
            }

            after = read;
            await Task.Delay(500).ConfigureAwait(false);
        }

        var flood = after.Minus(before);
        var kernelAfter = PortQueue.Of(port.Port)?.Drops ?? -1;
        var sent = mix.Sent + legitimateSent;
        var accounted = flood.RecordsAccepted + flood.TotalDrops + flood.KernelDrops;
        Append(result, "flood_asked_dps", rate);
        result.Append(' ').Append(mix.Format());
        Append(result, "legit_sent", legitimateSent);
        // Forgeries never open and replays only find their reference there: the new references are the peer's.
        Append(result, "legit_filed", flood.Pending);
        Append(result, "sent_total", sent);
        Append(result, "received", flood.Received);
        Append(result, "kernel_drops", flood.KernelDrops);
        Append(result, "kernel_drops_proc", kernelAfter - kernelBefore);
        Append(result, "filed", flood.RecordsAccepted);
        Append(result, "filed_duplicates", flood.RecordsAccepted - flood.Pending);
        Append(result, "drops_total", flood.TotalDrops);
        foreach (var (reason, count) in flood.Drops)
        {
            Append(result, "drop_" + reason, count);
        }

        Append(result, "delivery_failures", flood.DeliveryFailures);
        Append(result, "accounted", accounted);
        Append(result, "drain_seconds", drain.Elapsed.TotalSeconds);
        Append(result, "node_cores_flood", nodeCpu);
        Append(result, "rss_flood_mb", floodRss);
        Append(result, "rss_peak_mb", ProcStat.Rss(pid).Peak);
        foreach (var probe in probes)
        {
            result.Append(' ').Append(probe.Format("idle")).Append(' ').Append(probe.Format("flood"));
            Append(result, probe.Name + "_failures", probe.Failures);
        }

        Console.WriteLine(result.ToString());

        // One phase: the probes and the legitimate peer run for its length (or while work runs); the highest RSS seen, MiB.
        async Task<double> PhaseAsync(string phase, TimeSpan length, Action? work = null)
        {
            foreach (var probe in probes)
            {
                probe.Start(phase);
            }

            legitimate.Start(settings.LegitimatePerSecond);
            var running = work is null ? Task.Delay(length) : Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            double rss = 0;
            while (!running.IsCompleted)
            {
                rss = Math.Max(rss, ProcStat.Rss(pid).Now);
                await Task.WhenAny(running, Task.Delay(100)).ConfigureAwait(false);
            }

            await running.ConfigureAwait(false);
            legitimate.Stop();
            foreach (var probe in probes)
            {
                await probe.StopAsync().ConfigureAwait(false);
            }

            return Math.Max(rss, ProcStat.Rss(pid).Now);
        }
    }

    /// <summary>
    /// SIGSTOP, <paramref name="count"/> sealed notifications into the socket from 250 sources (each within its burst), SIGCONT,
    /// and the time until the socket is empty: datagrams a second the node takes in when the sender cannot limit it.
    /// </summary>
    private static async Task<double> CapacityAsync(NodeChild node, IPEndPoint port, HttpClient admin, SealingPeer peer, int count, StringBuilder result)
    {
        var before = await NotifyCounters.ReadAsync(admin).ConfigureAwait(false);
        var dropsBefore = PortQueue.Of(port.Port)!.Value.Drops;
        await SignalAsync(node.ProcessId, "STOP").ConfigureAwait(false);
        long refused;
        using (var sender = new SourcedSender(port))
        {
            byte[] source = [127, 0, 1, 0];
            for (var i = 0; i < count; i++)
            {
                source[3] = (byte)(1 + (i % 250));
                sender.Commit(peer.Seal(sender.Next()), source);
            }

            sender.Flush();
            refused = sender.Refused;
        }

        var queued = PortQueue.Of(port.Port)!.Value;
        var clock = Stopwatch.StartNew();
        await SignalAsync(node.ProcessId, "CONT").ConfigureAwait(false);
        while (PortQueue.Of(port.Port) is { Queued: > 0 })
        {
            Thread.Sleep(1);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(500).ConfigureAwait(false);
        var taken = (await NotifyCounters.ReadAsync(admin).ConfigureAwait(false)).Minus(before);
        var rate = taken.Received / seconds;
        Append(result, "capacity_sent", count - refused);
        Append(result, "capacity_queued_bytes", queued.Queued);
        Append(result, "capacity_fill_drops", queued.Drops - dropsBefore);
        Append(result, "capacity_received", taken.Received);
        Append(result, "capacity_filed", taken.RecordsAccepted);
        Append(result, "capacity_seconds", seconds);
        Append(result, "capacity_dps", rate);
        return rate;
    }

    private static async Task<FetchCapability> SubmitProbeBlobAsync(string clientApi, string token, CapabilitySink c)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{clientApi}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var blob = new byte[BlobBytes];
        Random.Shared.NextBytes(blob);
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // Two recipients: the probe fetches the first's capability whole every 20 ms, which counts that delivery fetched
        // (PROTOCOL.md §9); the second's stays pending, so the blob's bytes are kept and every probe reads them, instead of
        // the node reclaiming the blob after the first fetch and the probe timing 404s.
        var to = $"to={RecipientHash.NewRandom()}@{CapabilitySink.Domain}&to={RecipientHash.NewRandom()}@{CapabilitySink.Domain}";
        using var response = await http.PostAsync(new Uri($"/v1/messages?{to}", UriKind.Relative), content).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"submit of the probe blob: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        return await Task.Run(() => c.Receive(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"flood: timed out waiting for {what}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static Task PinAsync(int pid, string cores) => RunAsync("taskset", "-a", "-p", "-c", cores, pid.ToString(CultureInfo.InvariantCulture));

    private static Task SignalAsync(int pid, string signal) => RunAsync("kill", "-" + signal, pid.ToString(CultureInfo.InvariantCulture));

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    private static void Append(StringBuilder result, string key, double value) =>
        result.Append(CultureInfo.InvariantCulture, $" {key}={(value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("F3", CultureInfo.InvariantCulture))}");
}
