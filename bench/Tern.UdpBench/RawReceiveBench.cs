using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.Transports.Udp;

namespace Tern.UdpBench;

/// <summary>
/// The receive strategies alone, without the ingest: one or several loops on one socket, each reading datagrams
/// and touching every 8th byte as the C sink does. bench/run-ingest.sh runs it on a full socket beside the C sink,
/// which answers whether recvmmsg or several <c>Socket.ReceiveFrom(SocketAddress)</c> loops read faster.
/// </summary>
internal static class RawReceiveBench
{
    public static int Run(int port, int idleMs, UdpReceiverKind kind, int loops)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = int.TryParse(Environment.GetEnvironmentVariable("TERN_BENCH_RCVBUF"), CultureInfo.InvariantCulture, out var bytes) ? bytes : 16 << 20,
            ReceiveTimeout = 50,
        };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        long received = 0, checksum = 0;
        var stop = false;
        var threads = new Thread[loops];
        for (var t = 0; t < loops; t++)
        {
            threads[t] = new Thread(() =>
            {
                using IDatagramReceiver receiver = kind == UdpReceiverKind.RecvMmsg ? new RecvMmsgReceiver(socket, 64) : new ReceiveFromReceiver(socket);
                long sum = 0;
                while (!Volatile.Read(ref stop))
                {
                    var count = receiver.Receive();
                    for (var i = 0; i < count; i++)
                    {
                        var datagram = receiver.Datagram(i);
                        for (var j = 0; j < datagram.Length; j += 8)
                        {
                            sum += datagram[j];
                        }
                    }

                    if (count > 0)
                    {
                        Interlocked.Add(ref received, count);
                    }
                }

                Interlocked.Add(ref checksum, sum);
            })
            { IsBackground = true, Name = $"receive-{t}" };
            threads[t].Start();
        }

        Console.WriteLine("ready");

        // Times and CPU are read here, every 5 ms, not in the loops: a clock read per datagram would weigh on the
        // one-datagram-per-call strategy alone.
        var clock = Stopwatch.StartNew();
        long seen = 0, atFirst = 0;
        TimeSpan first = default, lastChange = default, cpuFirst = default, cpuLast = default;
        while (true)
        {
            Thread.Sleep(5);
            var now = Interlocked.Read(ref received);
            if (now != seen)
            {
                if (seen == 0)
                {
                    first = clock.Elapsed;
                    cpuFirst = Environment.CpuUsage.TotalTime;
                    atFirst = now;
                }

                seen = now;
                lastChange = clock.Elapsed;
                cpuLast = Environment.CpuUsage.TotalTime;
            }
            else if (seen > 0 && (clock.Elapsed - lastChange).TotalMilliseconds > idleMs)
            {
                break;
            }
        }

        Volatile.Write(ref stop, true);
        foreach (var thread in threads)
        {
            thread.Join();
        }

        // What arrived before the first reading is left out of the count, as the ingest bench does.
        var measured = seen - atFirst;
        var seconds = (lastChange - first).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"received {measured} datagrams in {seconds:F3} s: {measured / seconds:F0}/s (of {seen}; checksum {checksum}; {kind} × {loops} loop(s); process CPU {(cpuLast - cpuFirst).TotalMicroseconds / measured:F2} us/datagram)"));
        return 0;
    }
}
