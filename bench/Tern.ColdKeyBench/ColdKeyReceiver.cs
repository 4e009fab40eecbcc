using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Transports.Udp;

namespace Tern.ColdKeyBench;

/// <summary>
/// The receiving engine: <see cref="UdpNotificationListener"/> and <see cref="NotificationIngest"/> with default options
/// but the key cache's size, a sink that counts what each sender domain got filed, and the receive thread's CPU.
/// </summary>
internal static class ColdKeyReceiver
{
    public static int Run(bool ipv6, int keyCacheCapacity, int idleMs)
    {
        using var keys = DomainKeySet.Generate("b.example");
        var agreementUs = AgreementMicroseconds(keys);
        var sink = new DomainTally();
        var ingest = new NotificationIngest(keys, sink, sink, new IngestOptions { PeerKeyCacheCapacity = keyCacheCapacity });
        using var listener = new UdpNotificationListener(new UdpListenerOptions
        {
            Endpoint = new IPEndPoint(ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0),
            PollInterval = TimeSpan.FromMilliseconds(100),
            ReceiveBufferBytes = 256 << 20,
        }, ingest);
        listener.Start();
        var port = listener.LocalEndpoint.Port;
        var thread = ReceiveThread.Find($"tern-udp-{port}");
        Console.WriteLine($"ready {port} {Base64Url.EncodeToString(keys.AgreementPublicKey)}");

        // From the first datagram to the end of the traffic (the established peer's warm-up is within it).
        while (listener.DatagramsReceived == 0)
        {
            Thread.Sleep(1);
        }

        var cpuFirst = thread.CpuNanoseconds();
        var clock = Stopwatch.StartNew();
        var last = listener.DatagramsReceived;
        var lastChange = clock.Elapsed;
        while (clock.Elapsed - lastChange < TimeSpan.FromMilliseconds(idleMs))
        {
            Thread.Sleep(5);
            var now = listener.DatagramsReceived;
            if (now != last)
            {
                last = now;
                lastChange = clock.Elapsed;
            }
        }

        var cpu = (thread.CpuNanoseconds() - cpuFirst) / 1e9;
        var counters = listener.Counters;
        var forged = listener.DatagramsReceived - counters.DatagramsAccepted;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"received={listener.DatagramsReceived} established={sink.Count("established.example")} new={sink.Count("new.example")} "
            + $"over_rate={counters.Drops(DropReason.OverRate)} cold_key_budget={counters.Drops(DropReason.ColdKeyBudget)} "
            + $"undecryptable={counters.Drops(DropReason.Undecryptable)} derived={counters.ColdKeysDerived} "
            + $"refused_by_source={Optional(counters, "ColdKeysRefusedBySource")} refused_globally={Optional(counters, "ColdKeysRefusedGlobally")} "
            + $"kernel_drops={KernelDrops.Of(port, ipv6)} thread_cpu_s={cpu:F3} cpu_us_per_forged={cpu * 1e6 / Math.Max(1, forged):F3} seconds={lastChange.TotalSeconds:F2} agreement_us={agreementUs:F1}"));
        return 0;
    }

    /// <summary>What one new sender key costs here (X25519 and BLAKE2b), µs of CPU: the median of 5 runs of 400 random keys (nothing else runs yet).</summary>
    private static double AgreementMicroseconds(DomainKeySet keys)
    {
        Span<byte> peer = stackalloc byte[32];
        Span<byte> derived = stackalloc byte[NotificationKey.Size];
        var runs = new double[5];
        for (var run = 0; run < runs.Length; run++)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < 400; i++)
            {
                Random.Shared.NextBytes(peer);
                NotificationKey.TryDeriveReceiving(keys, peer, derived);
            }

            runs[run] = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / 400;
        }

        Array.Sort(runs);
        return runs[runs.Length / 2];
    }

    // Counters the engine before the cold-path redesign did not have: "-" there.
    private static string Optional(IngestCounters counters, string name)
        => typeof(IngestCounters).GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(counters)?.ToString() ?? "-";

    /// <summary>Counts filed records by sender domain (two domains, so a lock is cheap enough and never on the flood's path).</summary>
    private sealed class DomainTally : INotificationSink, IPullPreferences
    {
        private readonly Dictionary<string, int> _filed = new(StringComparer.Ordinal);

        public int Count(string domain)
        {
            lock (_filed)
            {
                return _filed.GetValueOrDefault(domain);
            }
        }

        public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
        {
            var domain = System.Text.Encoding.ASCII.GetString(record.SenderDomain);
            lock (_filed)
            {
                _filed[domain] = _filed.GetValueOrDefault(domain) + 1;
            }

            return DropReason.None;
        }

        public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => false;

        public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
    }
}
