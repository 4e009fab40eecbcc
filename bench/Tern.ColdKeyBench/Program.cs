using System.Globalization;
using Tern.ColdKeyBench;

// The .NET side of bench/run-coldkey.sh: a flood of forged datagrams (well-shaped, random sender keys, no valid tag)
// from many sources over loopback UDP, with an established and a new legitimate peer sending among them.
//   receive <ipv4|ipv6> <key-cache-capacity> <idle-ms>
//       the engine's notification port and ingest; prints "ready <port> <agreement key>", then, once the traffic has
//       stopped for <idle-ms>, one line of counts (what each peer got filed, drops by reason, the receive thread's CPU)
//   flood <ipv4-10k|ipv6-64> <port> <agreement key> <forged per second> <seconds>
//       the senders: forged datagrams from 10 000 IPv4 sources (127.100.0.0/16) or from random addresses of one IPv6
//       /64 (fd7e:bad:0:1::/64, sent with IPV6_FREEBIND), the established peer every 4 s (and once before the flood),
//       the new peer from 1 s into the flood every 250 ms, 60 datagrams
return args.FirstOrDefault() switch
{
    "receive" => ColdKeyReceiver.Run(args[1] == "ipv6", int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    "flood" => ColdKeyFlood.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3],
        int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tern.ColdKeyBench receive <ipv4|ipv6> <key-cache-capacity> <idle-ms> | flood <ipv4-10k|ipv6-64> <port> <agreement key> <forged per second> <seconds>");
    return 2;
}
