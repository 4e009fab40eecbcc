using System.Globalization;
using Tern.LinkEmuBench;

// bench/run-linkemu.sh runs this: the UDP and TCP rate ceilings of the link emulator, each beside the same traffic sent
// directly over loopback, and the latency the relay adds at zero configured delay. Markdown on stdout.
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var ratesMbit = args.Length > 1 ? args[1].Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray() : [20, 50, 100, 200, 400];

Console.WriteLine("## UDP: 1200-byte datagrams offered at the link's rate (queue 4 MiB)");
Console.WriteLine();
Console.WriteLine("| rate (Mbit/s) | path | sent | arrived | dropped by the link | lost before the link | received rate (Mbit/s) | ratio to rate |");
Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
foreach (var rate in ratesMbit)
{
    Console.WriteLine(UdpCeiling.Run(rate * 1_000_000, seconds, throughLink: false));
    Console.WriteLine(UdpCeiling.Run(rate * 1_000_000, seconds, throughLink: true));
}

Console.WriteLine();
Console.WriteLine("## TCP: a bulk transfer through the relay at a set rate, and unlimited, beside direct loopback");
Console.WriteLine();
Console.WriteLine("| rate (Mbit/s) | path | bytes | received rate (Mbit/s) | ratio to rate |");
Console.WriteLine("|---:|---|---:|---:|---:|");
Console.WriteLine(await TcpCeiling.RunAsync(0, seconds, throughLink: false));
foreach (var rate in ratesMbit)
{
    Console.WriteLine(await TcpCeiling.RunAsync(rate * 1_000_000, seconds, throughLink: true));
}

Console.WriteLine(await TcpCeiling.RunAsync(0, seconds, throughLink: true));
Console.WriteLine();
Console.WriteLine("## Latency added at zero configured delay: UDP round trips of 64 bytes (2000, after 200 warm-up)");
Console.WriteLine();
Console.WriteLine("| path | p50 (µs) | p99 (µs) | max (µs) |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine(UdpLatency.Run(throughLink: false));
Console.WriteLine(UdpLatency.Run(throughLink: true));
