using System.Globalization;
using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Transports.Udp;
using Tern.UdpBench;

// The .NET side of bench/run-ingest.sh and bench/run-send.sh.
//   gen <dir> <datagrams> <records> [warm-up datagrams]   keys for a.example → b.example in <dir>, distinct sealed datagrams in <dir>/datagrams.bin and <dir>/warm.bin
//   ingest <dir> <port> <idle-ms> <recvmmsg|receivefrom> [pending|counting]   receive, open, file in a pending table (or count) until idle
//   process <dir> <pending|counting|open>   the same per-datagram work without sockets, over the file: the CPU ceiling
//   faster <dir>   what single FASTER operations cost here (the pending-table insert is five of them)
//   receive <port> <idle-ms> <recvmmsg|receivefrom> <loops>   the receive strategy alone, one or several loops on one socket
//   send <port> <deliveries> <records>   the send path
//   schedule <port> <deliveries> <records>   the same through the transit store and the notification scheduler
return args.FirstOrDefault() switch
{
    "gen" => IngestBench.Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0),
    "ingest" => IngestBench.Ingest(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        args[4] == "receivefrom" ? UdpReceiverKind.ReceiveFrom : UdpReceiverKind.RecvMmsg, args.Length > 5 ? args[5] : "pending"),
    "process" => IngestBench.Process(args[1], args[2]),
    "faster" => FasterOpsBench.Run(args[1]),
    "receive" => RawReceiveBench.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
        args[3] == "receivefrom" ? UdpReceiverKind.ReceiveFrom : UdpReceiverKind.RecvMmsg, int.Parse(args[4], CultureInfo.InvariantCulture)),
    "send" => BareSendBench.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    "schedule" => await ScheduleBench.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tern.UdpBench gen <dir> <datagrams> <records> [warm-up datagrams] | ingest <dir> <port> <idle-ms> <recvmmsg|receivefrom> [pending|counting] | process <dir> <pending|counting|open> | faster <dir> | receive <port> <idle-ms> <recvmmsg|receivefrom> <loops> | send <port> <deliveries> <records> | schedule <port> <deliveries> <records>");
    return 2;
}

/// <summary>The process's user and system CPU per datagram since a reading, as the C blaster prints it.</summary>
internal static class CpuPerDatagram
{
    public static string Since(Environment.ProcessCpuUsage before, long datagrams)
    {
        var now = Environment.CpuUsage;
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU user {(now.UserTime - before.UserTime).TotalMicroseconds / datagrams:F2} + system {(now.PrivilegedTime - before.PrivilegedTime).TotalMicroseconds / datagrams:F2} us/datagram");
    }
}

/// <summary>Counts what would go to the pending table.</summary>
internal sealed class CountingSink : INotificationSink, IPullPreferences
{
    public static CountingSink Instance { get; } = new();

    public long Accepted;

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        Accepted++;
        return DropReason.None;
    }

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => false;

    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
}
