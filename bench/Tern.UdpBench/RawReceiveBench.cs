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
            ReceiveBufferSize = Burst.ReceiveBufferBytes(new UdpListenerOptions().ReceiveBufferBytes),
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
        var burst = Burst.Measure(() => Interlocked.Read(ref received), idleMs);
        Volatile.Write(ref stop, true);
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"received {burst.Datagrams} datagrams in {burst.Seconds:F3} s: {burst.Datagrams / burst.Seconds:F0}/s (of {Interlocked.Read(ref received)}; checksum {checksum}; {kind} × {loops} loop(s); process CPU {burst.CpuMicrosecondsPerDatagram:F2} us/datagram)"));
        return 0;
    }
}
