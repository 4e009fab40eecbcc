using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.ColdKeyBench;
using Tern.Engine.Protocol.Notification;
using Tern.Transports.Udp;

namespace Tern.Load.Flood;

/// <summary>
/// The flood, on one thread, paced to its rate in whole batches and bounded by count and by time: forged one-record
/// notifications (well-shaped, a fresh random sender key each, no valid tag) from 10 000 IPv4 sources (127.100.0.0/16,
/// 50 %: one agreement each, then the cold-key budget refuses them) and from 8 hot sources (127.101.0.1–8, 30 %: the
/// per-source rate sheds them); replays of genuine sealed datagrams the node has filed before, from the same 10 000
/// sources (10 %: they open under a verified key and cost a pending-table lookup each, the dearest datagram to shed;
/// filed again as duplicates, PROTOCOL.md §4.5); and junk (127.102.0.0/24, 10 %: three-byte datagrams, a wrong version,
/// a wrong type). Sources are set per datagram with IP_PKTINFO (<see cref="SourcedSender"/>). The thread runs 10 steps
/// nicer than the load tool's others, so that the probes and the legitimate peer beside it keep their schedule.
/// </summary>
internal sealed class FloodMix
{
    private const int ForgedLength = 204; // a minimal one-record notification

    private readonly IPEndPoint _port;
    private readonly IReadOnlyList<byte[]> _replays;
    private readonly Random _random = new(2026);

    public FloodMix(IPEndPoint port, IReadOnlyList<byte[]> replays)
    {
        _port = port;
        _replays = replays;
    }

    /// <summary>Datagrams the kernel accepted from this sender (refused ones are not counted).</summary>
    public long Sent { get; private set; }

    /// <summary>Datagrams sendmmsg refused.</summary>
    public long Refused { get; private set; }

    /// <summary>How long it sent.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Sends up to <paramref name="perSecond"/> × <paramref name="seconds"/> datagrams for at most <paramref name="seconds"/>.</summary>
    public void Run(double perSecond, double seconds)
    {
        LinuxThreadNative.RaiseCurrentThreadNice(10);
        using var sender = new SourcedSender(_port);
        var total = (long)(perSecond * seconds);
        byte[] source = [127, 100, 0, 0];
        long committed = 0;
        var clock = Stopwatch.StartNew();
        while (committed < total && clock.Elapsed.TotalSeconds < seconds)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * perSecond));
            if (committed >= due)
            {
                sender.Flush();
                Thread.Sleep(1);
                continue;
            }

            for (var i = 0; i < SourcedSender.Batch && committed < due; i++)
            {
                var slot = sender.Next();
                var length = Fill(slot, committed, source);
                sender.Commit(length, source);
                committed++;
            }
        }

        sender.Flush();
        Elapsed = clock.Elapsed;
        Refused = sender.Refused;
        Sent = committed - sender.Refused;
    }

    /// <summary>Writes datagram number <paramref name="n"/> of the mix into <paramref name="slot"/> and its source into <paramref name="source"/>.</summary>
    private int Fill(Span<byte> slot, long n, byte[] source)
    {
        var kind = (int)(n % 10);
        if (kind < 6)
        {
            var s = _random.Next(10_000);
            Source(source, 100, s >> 8, s);
            if (kind < 5)
            {
                return Forge(slot);
            }

            var replay = _replays[_random.Next(_replays.Count)];
            replay.CopyTo(slot);
            return replay.Length;
        }

        if (kind < 9)
        {
            Source(source, 101, 0, 1 + _random.Next(8));
            return Forge(slot);
        }

        Source(source, 102, 0, _random.Next(256));
        switch (n / 10 % 3)
        {
            case 0:
                _random.NextBytes(slot[..3]);
                return 3;
            case 1:
                Forge(slot);
                slot[0] = (byte)(NotificationLimits.Version + 1);
                return ForgedLength;
            default:
                Forge(slot);
                slot[1] = 0x7F;
                return ForgedLength;
        }
    }

    private static void Source(byte[] source, int b, int c, int d)
    {
        source[1] = (byte)b;
        source[2] = (byte)c;
        source[3] = (byte)d;
    }

    private int Forge(Span<byte> slot)
    {
        var datagram = slot[..ForgedLength];
        _random.NextBytes(datagram);
        datagram[0] = NotificationLimits.Version;
        datagram[1] = (byte)DatagramType.Notification;
        return ForgedLength;
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"flood_sent={Sent} flood_refused={Refused} flood_seconds={Elapsed.TotalSeconds:F2} flood_dps={Sent / Elapsed.TotalSeconds:F0}");
}
