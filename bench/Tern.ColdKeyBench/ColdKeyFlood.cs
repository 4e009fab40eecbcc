using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.ColdKeyBench;

/// <summary>
/// The senders of one run, on one thread: the forged flood paced to its rate (whole batches, caught up after a late
/// wake-up, never more than the count), and two real peers sealing to the receiver's key among it: the established
/// one (once a second before the flood, then every 4 s), the new one (from 1 s in, every 250 ms, 60 datagrams).
/// </summary>
internal static class ColdKeyFlood
{
    private const int ForgedLength = 204; // a minimal one-record notification
    private const long EstablishedEveryMs = 4_000;
    private const long NewFromMs = 1_000;
    private const long NewEveryMs = 250;
    private const int NewDatagrams = 60;

    public static int Run(string mode, int port, string receiverKey, int forgedPerSecond, int seconds)
    {
        var ipv6 = mode == "ipv6-64";
        if (!ipv6 && mode != "ipv4-10k")
        {
            throw new ArgumentException($"unknown mode {mode}", nameof(mode));
        }

        var receiver = Base64Url.DecodeFromChars(receiverKey);
        using var sender = new SourcedSender(new IPEndPoint(ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, port));
        using var established = new Peer("established.example", receiver);
        using var newcomer = new Peer("new.example", receiver);
        var establishedSource = (ipv6 ? IPAddress.Parse("fd7e:1:1::10") : IPAddress.Parse("127.0.0.2")).GetAddressBytes();
        var newSource = (ipv6 ? IPAddress.Parse("fd7e:2:2::20") : IPAddress.Parse("127.0.0.3")).GetAddressBytes();
        var forgedSource = ipv6 ? IPAddress.Parse("fd7e:bad:0:1::").GetAddressBytes() : [127, 100, 0, 0];
        var random = new Random(2026);
        var forged = new byte[ForgedLength];
        random.NextBytes(forged);
        forged[0] = NotificationLimits.Version;
        forged[1] = (byte)DatagramType.Notification;

        // Heard before the flood: the established peer's key is verified and cached when the flood begins.
        established.Send(sender, establishedSource);
        sender.Flush();
        Thread.Sleep(1000);

        long total = (long)forgedPerSecond * seconds;
        long sent = 0;
        var establishedSent = 1;
        var newSent = 0;
        long nextEstablished = EstablishedEveryMs;
        long nextNew = NewFromMs;
        var clock = Stopwatch.StartNew();
        var cpu = Environment.CpuUsage;
        while (sent < total)
        {
            var elapsedMs = clock.ElapsedMilliseconds;
            if (elapsedMs >= nextEstablished)
            {
                established.Send(sender, establishedSource);
                establishedSent++;
                nextEstablished += EstablishedEveryMs;
            }

            if (newSent < NewDatagrams && elapsedMs >= nextNew)
            {
                newcomer.Send(sender, newSource);
                newSent++;
                nextNew += NewEveryMs;
            }

            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * forgedPerSecond));
            if (sent >= due)
            {
                sender.Flush();
                Thread.Sleep(1);
                continue;
            }

            // One batch at a time, so that the peers keep their schedule when the sender runs late.
            for (var batch = 0; batch < SourcedSender.Batch && sent < due; batch++)
            {
                var slot = sender.Next();
                forged.CopyTo(slot);
                random.NextBytes(slot.Slice(2, 32)); // a fresh sender key every time
                if (ipv6)
                {
                    random.NextBytes(forgedSource.AsSpan(8, 8)); // a random host of the /64
                }
                else
                {
                    var i = random.Next(10_000);
                    forgedSource[2] = (byte)(i >> 8);
                    forgedSource[3] = (byte)i;
                }

                sender.Commit(ForgedLength, forgedSource);
                sent++;
            }
        }

        // The new peer's last datagrams, should the flood have ended first.
        while (newSent < NewDatagrams)
        {
            newcomer.Send(sender, newSource);
            newSent++;
            sender.Flush();
            Thread.Sleep((int)NewEveryMs);
        }

        sender.Flush();
        var floodSeconds = clock.Elapsed.TotalSeconds;
        var used = Environment.CpuUsage;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forged={sent} established={establishedSent} new={newSent} refused={sender.Refused} seconds={floodSeconds:F2} rate={sent / floodSeconds:F0} "
            + $"sender_cpu_us={(used.TotalTime - cpu.TotalTime).TotalMicroseconds / sent:F2}"));
        return 0;
    }

    /// <summary>A legitimate peer: its keys, sealing one-record notifications to the receiver.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly DomainKeySet _keys;
        private readonly XChaCha20Poly1305Key _key = new();
        private readonly byte[] _domain;

        public Peer(string domain, ReadOnlySpan<byte> receiver)
        {
            _keys = DomainKeySet.Generate(domain);
            _domain = System.Text.Encoding.ASCII.GetBytes(domain);
            Span<byte> derived = stackalloc byte[NotificationKey.Size];
            if (!NotificationKey.TryDeriveSending(_keys, receiver, derived))
            {
                throw new InvalidOperationException("the receiver's key is of low order");
            }

            _key.Set(derived);
        }

        public void Send(SourcedSender sender, ReadOnlySpan<byte> source)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var writer = new DatagramWriter(sender.Next(), DatagramType.Notification, _keys.AgreementPublicKey, now);
            writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), now + 3_600_000, 1, Bytes32.Random(), 1,
                NotificationFlags.None, _domain, default, default));
            sender.Commit(writer.Seal(_key), source);
        }

        public void Dispose()
        {
            _key.Dispose();
            _keys.Dispose();
        }
    }
}
