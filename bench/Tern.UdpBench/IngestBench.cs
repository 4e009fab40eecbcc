using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Transports.Udp;

namespace Tern.UdpBench;

/// <summary>The receive side of bench/run-ingest.sh: datagram generation, the UDP ingest run, and the socket-free ceiling.</summary>
internal static class IngestBench
{
    /// <summary>Recipient hashes the generated records are spread over (a domain's users).</summary>
    private const int Recipients = 100_000;

    /// <summary>
    /// Writes <paramref name="datagrams"/> sealed datagrams of <paramref name="records"/> records each, every record with
    /// its own capability (so each one the receiver opens is a real insert, never a duplicate), recipient hashes
    /// drawn from <see cref="Recipients"/>, and <paramref name="warmUpDatagrams"/> more of the same kind to warm.bin.
    /// Format: u16 big-endian length, bytes (what udp_blaster -f reads).
    /// </summary>
    public static int Generate(string directory, int datagrams, int records, int warmUpDatagrams)
    {
        using var a = DomainKeySet.Generate("a.example");
        using var b = DomainKeySet.Generate("b.example");
        b.Save(Path.Combine(directory, "b"));
        var key = new byte[NotificationKey.Size];
        NotificationKey.TryDeriveSending(a, b.AgreementPublicKey, key);

        // The same-work C receiver (bench/baselines/udp_ingest.c) gets the peer as a cached key: sender_key, then k(a→b).
        File.WriteAllBytes(Path.Combine(directory, "peer.bin"), [.. a.AgreementPublicKey, .. key]);

        // sent_at leaves room for the runs after generation inside the 600 s replay window (docs/PROTOCOL.md §4.4).
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000;
        var hashes = new RecipientHash[Recipients];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = RecipientHash.NewRandom();
        }

        var random = new Random(7);
        Write("datagrams.bin", datagrams);
        Write("warm.bin", warmUpDatagrams);
        Console.WriteLine($"wrote {datagrams} datagrams (and {warmUpDatagrams} to warm up with) of {records} record(s) with distinct capabilities to {directory}");
        return 0;

        void Write(string name, int count)
        {
            var buffer = new byte[NotificationLimits.MaxDatagramSize];
            var length = new byte[2];
            using var output = new BufferedStream(File.Create(Path.Combine(directory, name)), 1 << 20);
            for (var i = 0; i < count; i++)
            {
                var writer = new DatagramWriter(buffer, DatagramType.Notification, a.AgreementPublicKey, now);
                for (var r = 0; r < records; r++)
                {
                    writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), hashes[random.Next(hashes.Length)], now + 86_400_000, 1024, Bytes32.Random(), 1,
                        NotificationFlags.None, "a.example"u8, "message/822"u8, default));
                }

                var sealedLength = writer.Seal(key);
                BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)sealedLength);
                output.Write(length);
                output.Write(buffer, 0, sealedLength);
            }
        }
    }

    public static int Ingest(string directory, int port, int idleMs, UdpReceiverKind kind, string sinkKind)
    {
        using var b = DomainKeySet.Load(Path.Combine(directory, "b"));
        using var table = sinkKind == "pending" ? OpenTable(directory) : null;
        INotificationSink sink = table is null ? CountingSink.Instance : new PendingTableSink(table);
        var ingest = new NotificationIngest(b, sink, CountingSink.Instance, BenchOptions());
        using var listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port), Receiver = kind, PollInterval = TimeSpan.FromMilliseconds(50), ReceiveBufferBytes = Burst.ReceiveBufferBytes(new UdpListenerOptions().ReceiveBufferBytes) }, ingest);
        listener.Start();
        Console.WriteLine("ready");

        // Warm-up: the script sends warm.bin first. Once it has stopped coming and the JIT has compiled what it
        // queued, "settled" tells the script to send the measured file; the count starts at its first datagram.
        Burst.WaitForIdle(() => listener.DatagramsReceived, WarmUpIdleMs);
        var warmUpDatagrams = listener.DatagramsReceived;
        JitSettle.Wait(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));
        Console.WriteLine("settled");
        long acceptedAtFirst = 0;
        var burst = Burst.Measure(() => listener.DatagramsReceived, idleMs, () => acceptedAtFirst = listener.Counters.RecordsAccepted);

        listener.Dispose();
        var records = listener.Counters.RecordsAccepted - acceptedAtFirst;
        var filed = table is null ? "counting sink" : string.Create(CultureInfo.InvariantCulture, $"pending table holds {table.Count}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"received {burst.Datagrams} datagrams in {burst.Seconds:F3} s: {burst.Datagrams / burst.Seconds:F0}/s (after {warmUpDatagrams} warm-up); records accepted {records} ({records / burst.Seconds:F0}/s); drops {listener.Counters.TotalDrops}; {filed}; receiver {kind}; gen0 GCs {GC.CollectionCount(0)}; process CPU {burst.CpuMicrosecondsPerDatagram:F2} µs/datagram"));
        return 0;
    }

    private const int WarmUpIdleMs = 300;

    /// <summary>
    /// The per-datagram work without sockets: every datagram of the file once through <see cref="NotificationIngest.Process"/>
    /// (<c>pending</c> or <c>counting</c> sink), or only the AEAD open and layout check (<c>open</c>). The first 50 000 warm up, then the JIT settles.
    /// </summary>
    public static int Process(string directory, string mode)
    {
        var datagrams = ReadDatagrams(Path.Combine(directory, "datagrams.bin"));
        using var b = DomainKeySet.Load(Path.Combine(directory, "b"));
        using var table = mode == "pending" ? OpenTable(directory) : null;
        INotificationSink sink = table is null ? CountingSink.Instance : new PendingTableSink(table);
        var ingest = new NotificationIngest(b, sink, CountingSink.Instance, BenchOptions());
        DatagramHeader.TryRead(datagrams[0], out var firstHeader);
        var key = new byte[NotificationKey.Size];
        NotificationKey.TryDeriveReceiving(b, firstHeader.SenderKey, key);
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        var warmUp = Math.Min(50_000, datagrams.Length / 4);
        long failures = 0, records = 0;
        var start = 0L;
        var gcBefore = 0;
        var cpuBefore = TimeSpan.Zero;
        var chunk = Stopwatch.GetTimestamp();
        var chunks = Environment.GetEnvironmentVariable("TERN_BENCH_CHUNKS") is not null;
        for (var i = 0; i < datagrams.Length; i++)
        {
            if (i == warmUp)
            {
                JitSettle.Wait(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));
                start = Stopwatch.GetTimestamp();
                cpuBefore = Environment.CpuUsage.TotalTime;
                gcBefore = GC.CollectionCount(0);
                records = ingest.Counters.RecordsAccepted;
                Console.Error.WriteLine("processing"); // a profiler attaches here (bench/profile-ingest.sh)
            }

            if (chunks && i % 200_000 == 0 && i > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  at {i}: {200_000 / Stopwatch.GetElapsedTime(chunk).TotalSeconds:F0}/s"));
                chunk = Stopwatch.GetTimestamp();
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (mode == "open")
            {
                DatagramHeader.TryRead(datagrams[i], out var header);
                failures += DatagramBody.TryOpen(header, key, plaintext, out _) == DropReason.None ? 0 : 1;
            }
            else
            {
                // As the receive loop does: a batch of 64 staged, then flushed.
                failures += ingest.Stage(datagrams[i], 1, now) == DropReason.None ? 0 : 1;
                if (i % NotificationIngest.MaxStaged == NotificationIngest.MaxStaged - 1 || i == datagrams.Length - 1)
                {
                    ingest.Flush(now);
                }
            }
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
        var measured = datagrams.Length - warmUp;
        records = mode == "open" ? 0 : ingest.Counters.RecordsAccepted - records;

        // CPU time of the whole process beside the wall clock: on a shared machine the core is not all ours.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"processed {measured} datagrams in {seconds:F3} s: {measured / seconds:F0}/s ({mode}; records {records / seconds:F0}/s; {failures} failed; gen0 GCs {GC.CollectionCount(0) - gcBefore}; process CPU {cpu * 1e6 / measured:F2} µs/datagram = {measured / cpu:F0}/s of CPU)"));
        return 0;
    }

    // Every source is one address on loopback: lift the per-source rate so it measures the path, not the limiter.
    private static IngestOptions BenchOptions() => new() { DatagramsPerSecondPerSource = 1e9, DatagramBurstPerSource = 1e9 };

    /// <summary>
    /// A pending table in a fresh directory under <paramref name="directory"/>: default sizes, its memory committed at
    /// open as a table that has been running is (TERN_BENCH_LAZY=1 leaves it lazy), and no per-sender-domain cap since
    /// every record of the run comes from a.example.
    /// </summary>
    private static PendingTable OpenTable(string directory)
    {
        var warm = Environment.GetEnvironmentVariable("TERN_BENCH_LAZY") != "1";
        return new(new PendingTableOptions
        {
            DataDirectory = Path.Combine(directory, "pending-" + Guid.NewGuid().ToString("N")),
            PrefaultIndexes = warm,
            PreallocateLogMemory = warm,
            MaxEntriesPerSenderDomain = long.MaxValue,
        });
    }

    private static byte[][] ReadDatagrams(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var list = new List<byte[]>();
        for (var offset = 0; offset + 2 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset));
            list.Add(bytes.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        return [.. list];
    }
}
