using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Transports.Udp;

namespace Tern.UdpBench;

/// <summary>
/// The bare send path: deliveries come due from the timing wheel, are packed per datagram, sealed with the peer's kept
/// key and sent with <c>sendmmsg</c>; each is rescheduled on the protocol's backoff. A warm-up pass of the same code runs
/// first, so the figure is of optimised code, as in a node that has been running (the JIT's tiers are not measured).
/// </summary>
internal static class BareSendBench
{
    public const int WarmUpDeliveries = 100_000;

    public static int Run(int port, int deliveries, int records)
    {
        using var a = DomainKeySet.Generate("a.example");
        using var b = DomainKeySet.Generate("b.example");
        var derived = new byte[NotificationKey.Size];
        NotificationKey.TryDeriveSending(a, b.AgreementPublicKey, derived);
        using var key = new XChaCha20Poly1305Key();
        key.Set(derived);
        using var sender = new UdpDatagramSender();
        var destination = PeerAddress.From(new IPEndPoint(IPAddress.Loopback, port));

        var batch = Deliveries(deliveries);
        SendAll(Deliveries(Math.Min(WarmUpDeliveries, deliveries)), records, a, key, sender, destination);
        var cpuBefore = Environment.CpuUsage;
        var clock = Stopwatch.StartNew();
        var datagrams = SendAll(batch, records, a, key, sender, destination);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent {datagrams} datagrams in {seconds:F3} s: {datagrams / seconds:F0}/s ({deliveries / seconds:F0} notifications/s, {(double)deliveries / datagrams:F1} per datagram, {sender.Failed} refused; {CpuPerDatagram.Since(cpuBefore, datagrams)}; after a warm-up pass of {Math.Min(WarmUpDeliveries, deliveries)})"));
        return 0;
    }

    private static (FetchCapability[] Capabilities, RecipientHash[] Hashes) Deliveries(int count)
    {
        var capabilities = new FetchCapability[count];
        var hashes = new RecipientHash[count];
        for (var i = 0; i < count; i++)
        {
            capabilities[i] = FetchCapability.NewRandom();
            hashes[i] = RecipientHash.NewRandom();
        }

        return (capabilities, hashes);
    }

    /// <summary>Schedules every delivery, sends them once as they come due, reschedules each; returns the datagrams sent.</summary>
    private static long SendAll((FetchCapability[] Capabilities, RecipientHash[] Hashes) batch, int records, DomainKeySet a,
        XChaCha20Poly1305Key key, UdpDatagramSender sender, PeerAddress destination)
    {
        var (capabilities, hashes) = batch;
        var deliveries = capabilities.Length;
        var payloadHash = Bytes32.Random();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var wheel = new TimingWheel<int>(now, initialCapacity: deliveries);
        var due = new List<int>(deliveries);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var random = new Random(1);
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

                wheel.Schedule(d, RetransmissionPolicy.NextAttemptAtMs(now, 1, random.NextDouble()));
                next++;
            }

            sender.Enqueue(buffer.AsSpan(0, writer.Seal(key)), destination);
            datagrams++;
        }

        sender.Flush();
        return datagrams;
    }
}
