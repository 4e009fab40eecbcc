using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.Transports.Udp;

namespace Tern.UdpBench;

/// <summary>
/// The whole sender side as a node runs it: deliveries in a real transit store, notified by the
/// <see cref="NotificationScheduler"/> (store lookup, packing, sealing, attempt recorded, next attempt on the wheel) through
/// the <c>sendmmsg</c> transport. Pacing is lifted so the figure is the path's own; the round budget keeps its default.
/// A warm-up scheduler over a small store of its own runs first, so the figure is of optimised code, as in a node that
/// has been running; the measured scheduler then loads its store (as after a restart) and sends.
/// </summary>
internal static class ScheduleBench
{
    public static async Task<int> Run(int port, int deliveries, int records)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tern-schedule-bench-" + Environment.ProcessId);
        try
        {
            using var a = DomainKeySet.Generate("a.example");
            using var b = DomainKeySet.Generate("b.example");
            await using var store = await Filled(Path.Combine(directory, "measured"), deliveries);
            var warmUpDeliveries = Math.Min(BareSendBench.WarmUpDeliveries, deliveries);
            await using var warmUpStore = await Filled(Path.Combine(directory, "warm-up"), warmUpDeliveries);
            var resolver = new StaticPeerResolver();
            resolver.Set(new NotificationPeer("b.example", new Bytes32(b.AgreementPublicKey), new IPEndPoint(IPAddress.Loopback, port)));
            using var transport = new UdpNotificationTransport();
            var options = new NotificationSchedulerOptions
            {
                MaxRecordsPerDatagram = records,
                MaxRecordsPerRound = 65_536,
                PeerDatagramsPerSecond = 1e12,
                PeerDatagramBurst = 1e12,
            };

            using (var warmUp = new NotificationScheduler(warmUpStore, a, resolver, transport, options))
            {
                await SendOnce(warmUp, warmUpDeliveries, Stopwatch.StartNew(), measured: false);
            }

            var failedBefore = transport.Failed;
            using var scheduler = new NotificationScheduler(store, a, resolver, transport, options);

            // Start-up loads every pending delivery (as after a restart) and they are all due at once. The send phase
            // (from the loop's start until every delivery was sent once) is the rate; the load is printed beside it.
            var clock = Stopwatch.StartNew();
            var (loadSeconds, cpuBefore, datagrams) = await SendOnce(scheduler, deliveries, clock, measured: true);
            var total = clock.Elapsed.TotalSeconds;
            var seconds = total - loadSeconds;
            var notifications = scheduler.Counters.RecordsSent;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sent {datagrams} datagrams in {seconds:F3} s: {datagrams / seconds:F0}/s ({notifications / seconds:F0} notifications/s, {(double)notifications / datagrams:F1} per datagram, {transport.Failed - failedBefore} refused; {CpuPerDatagram.Since(cpuBefore, datagrams)}; start-up load {loadSeconds:F3} s before it, {datagrams / total:F0} datagrams/s with it; after a warm-up pass of {warmUpDeliveries})"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>A transit store holding <paramref name="deliveries"/> pending deliveries to b.example, 1000 a submission.</summary>
    private static async Task<TransitStore> Filled(string directory, int deliveries)
    {
        var store = await TransitStore.OpenAsync(new TransitStoreOptions { DataDirectory = directory, CheckpointInterval = Timeout.InfiniteTimeSpan });
        for (var left = deliveries; left > 0; left -= TransitStore.MaxRecipients)
        {
            var recipients = new TransitRecipient[Math.Min(left, TransitStore.MaxRecipients)];
            for (var i = 0; i < recipients.Length; i++)
            {
                recipients[i] = new TransitRecipient("b.example", RecipientHash.NewRandom());
            }

            await store.SubmitAsync(
                new SubmissionRequest { Account = "bench", Recipients = recipients, TransitExpiry = DateTimeOffset.UtcNow.AddDays(1), MimeHint = "message/822" },
                new MemoryStream(new byte[1024]));
        }

        return store;
    }

    /// <summary>Starts the scheduler and waits until every delivery was sent once: the load's seconds, the CPU reading after it, the datagrams sent since.</summary>
    private static async Task<(double LoadSeconds, Environment.ProcessCpuUsage CpuAfterLoad, long Datagrams)> SendOnce(
        NotificationScheduler scheduler, int deliveries, Stopwatch clock, bool measured)
    {
        await scheduler.StartAsync();
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var cpuAfterLoad = Environment.CpuUsage;
        if (measured)
        {
            await Console.Error.WriteLineAsync("sending"); // a profiler attaches here (perf-reports/send-notes.md)
        }
        while (scheduler.Counters.RecordsSent - scheduler.Counters.Retransmissions < deliveries && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(1);
        }

        return (loadSeconds, cpuAfterLoad, scheduler.Counters.DatagramsSent);
    }
}
