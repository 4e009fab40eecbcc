using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Crypto;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Transports.Udp;

// The .NET side of bench/run-ingest.sh.
//   gen <dir> <datagrams> <records>   keys for a.example → b.example in <dir>, sealed datagrams in <dir>/datagrams.bin
//   ingest <dir> <port> <idle-ms> <recvmmsg|receivefrom>   receive, open and hand records to a counting sink until idle
return args.FirstOrDefault() switch
{
    "gen" => Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    "ingest" => Ingest(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        args[4] == "receivefrom" ? UdpReceiverKind.ReceiveFrom : UdpReceiverKind.RecvMmsg),
    "send" => Send(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tern.UdpBench gen <dir> <datagrams> <records> | ingest <dir> <port> <idle-ms> <recvmmsg|receivefrom>");
    return 2;
}

// The send path: deliveries come due from the timing wheel, are packed <records> per datagram, sealed
// with the cached peer key and sent with sendmmsg; each is rescheduled on the protocol's backoff.
static int Send(int port, int deliveries, int records)
{
    using var a = DomainKeySet.Generate("a.example");
    using var b = DomainKeySet.Generate("b.example");
    var key = new byte[NotificationKey.Size];
    NotificationKey.TryDeriveSending(a, b.AgreementPublicKey, key);
    var capabilities = new FetchCapability[deliveries];
    var hashes = new RecipientHash[deliveries];
    for (var i = 0; i < deliveries; i++)
    {
        capabilities[i] = FetchCapability.NewRandom();
        hashes[i] = RecipientHash.NewRandom();
    }

    var payloadHash = Bytes32.Random();
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var wheel = new Tern.Engine.Delivery.TimingWheel<int>(now, initialCapacity: deliveries);
    var due = new List<int>(deliveries);
    var buffer = new byte[NotificationLimits.MaxDatagramSize];
    var random = new Random(1);
    using var sender = new UdpDatagramSender();
    var destination = PeerAddress.From(new IPEndPoint(IPAddress.Loopback, port));
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < deliveries; i++)
    {
        wheel.Schedule(i, now);
    }

    wheel.Advance(now, due);
    long datagrams = 0;
    var next = 0;
    while (next < due.Count)
    {
        var writer = new DatagramWriter(buffer, DatagramType.Notification, a.AgreementPublicKey, now);
        while (next < due.Count && writer.Count < records)
        {
            var d = due[next];
            if (!writer.TryAdd(new NotificationRecord(capabilities[d], hashes[d], now + 86_400_000, 1024, payloadHash, 1, NotificationFlags.None, "a.example"u8, "message/822"u8, default)))
            {
                break; // full: this delivery opens the next datagram
            }

            wheel.Schedule(d, Tern.Engine.Delivery.RetransmissionPolicy.NextAttemptAtMs(now, 1, random.NextDouble()));
            next++;
        }

        sender.Enqueue(buffer.AsSpan(0, writer.Seal(key)), destination);
        datagrams++;
    }

    sender.Flush();
    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"sent {datagrams} datagrams in {seconds:F3} s: {datagrams / seconds:F0}/s ({deliveries / seconds:F0} notifications/s, {(double)deliveries / datagrams:F1} per datagram, {sender.Failed} refused)"));
    return 0;
}

static int Generate(string directory, int datagrams, int records)
{
    using var a = DomainKeySet.Generate("a.example");
    using var b = DomainKeySet.Generate("b.example");
    b.Save(Path.Combine(directory, "b"));
    var key = new byte[NotificationKey.Size];
    NotificationKey.TryDeriveSending(a, b.AgreementPublicKey, key);
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var buffer = new byte[NotificationLimits.MaxDatagramSize];
    var length = new byte[2];
    using var output = new BufferedStream(File.Create(Path.Combine(directory, "datagrams.bin")), 1 << 20);
    for (var i = 0; i < datagrams; i++)
    {
        var writer = new DatagramWriter(buffer, DatagramType.Notification, a.AgreementPublicKey, now);
        for (var r = 0; r < records; r++)
        {
            writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), now + 86_400_000, 1024, Bytes32.Random(), 1,
                NotificationFlags.None, "a.example"u8, "message/822"u8, default));
        }

        var sealedLength = writer.Seal(key);
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)sealedLength);
        output.Write(length);
        output.Write(buffer, 0, sealedLength);
    }

    Console.WriteLine($"wrote {datagrams} datagrams of {records} record(s) ({buffer.Length} bytes max) to {directory}/datagrams.bin");
    return 0;
}

static int Ingest(string directory, int port, int idleMs, UdpReceiverKind kind)
{
    using var b = DomainKeySet.Load(Path.Combine(directory, "b"));
    var sink = new CountingSink();
    var options = new IngestOptions { DatagramsPerSecondPerSource = 1e9, DatagramBurstPerSource = 1e9 };
    var ingest = new NotificationIngest(b, sink, sink, options);
    using var listener = new UdpNotificationListener(
        new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port), Receiver = kind, PollInterval = TimeSpan.FromMilliseconds(50) }, ingest);
    listener.Start();
    Console.WriteLine("ready");

    // The first datagrams warm the JIT up (tiered compilation); the rate is measured after them.
    const long WarmUp = 100_000;
    var clock = Stopwatch.StartNew();
    long last = 0, atFirst = 0, acceptedAtFirst = 0;
    TimeSpan first = default, lastChange = default;
    while (true)
    {
        Thread.Sleep(5);
        var received = listener.DatagramsReceived;
        if (received != last)
        {
            if (atFirst == 0 && received >= WarmUp)
            {
                first = clock.Elapsed;
                atFirst = received;
                acceptedAtFirst = listener.Counters.RecordsAccepted;
            }

            last = received;
            lastChange = clock.Elapsed;
        }
        else if (last > 0 && (clock.Elapsed - lastChange).TotalMilliseconds > idleMs)
        {
            break;
        }
    }

    var seconds = (lastChange - first).TotalSeconds;
    listener.Dispose();
    var measured = last - atFirst;
    var records = listener.Counters.RecordsAccepted - acceptedAtFirst;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"received {measured} datagrams in {seconds:F3} s: {measured / seconds:F0}/s (after {atFirst} warm-up); records accepted {records} ({records / seconds:F0}/s); drops {listener.Counters.TotalDrops}; receiver {kind}"));
    return 0;
}

/// <summary>Counts what would go to the pending table.</summary>
internal sealed class CountingSink : INotificationSink, IPullPreferences
{
    public long Accepted;

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        Accepted++;
        return DropReason.None;
    }

    public void Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
    {
    }

    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
}
