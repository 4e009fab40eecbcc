using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tern.LinkEmulator.Tests;

/// <summary>
/// The far end of a UDP link under test: a loopback socket that records each datagram's sequence number, the link
/// clock's time it was sent (written in it by <see cref="Send"/>) and the time it arrived.
/// </summary>
public sealed class Probe : IDisposable
{
    public const int HeaderBytes = 12;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
    private readonly List<Arrival> _arrivals = [];
    private readonly Thread _thread;
    private readonly TimeProvider _clock;

    public Probe(TimeProvider clock)
    {
        _clock = clock;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _thread = new Thread(Receive) { IsBackground = true };
        _thread.Start();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public IReadOnlyList<Arrival> Arrivals
    {
        get
        {
            lock (_arrivals)
            {
                return [.. _arrivals];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_arrivals)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Sends datagram <paramref name="sequence"/> of <paramref name="size"/> bytes from <paramref name="from"/>, stamped with the clock's time.</summary>
    public static void Send(Socket from, IPEndPoint to, TimeProvider clock, int sequence, int size)
    {
        Span<byte> datagram = stackalloc byte[size];
        datagram.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(datagram, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(datagram[4..], clock.GetTimestamp());
        from.SendTo(datagram, SocketFlags.None, to);
    }

    /// <summary>
    /// Sends <paramref name="count"/> datagrams numbered from 0 at a steady <paramref name="perSecond"/> (real time), in
    /// the small bursts a 1 ms sleep allows, so neither the relay's nor the probe's socket overflows in the kernel.
    /// </summary>
    public static void SendSteady(Socket from, IPEndPoint to, TimeProvider clock, int count, int size, double perSecond)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            while (started.Elapsed.TotalSeconds < i / perSecond)
            {
                Thread.Sleep(1);
            }

            Send(from, to, clock, i, size);
        }
    }

    /// <summary>Sends from the probe's own socket, so answers to it are recorded.</summary>
    public void SendFrom(IPEndPoint to, int sequence, int size) => Send(_socket, to, _clock, sequence, size);

    public static Socket Sender()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 8 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private void Receive()
    {
        var buffer = new byte[65_536];
        try
        {
            while (true)
            {
                var read = _socket.Receive(buffer);
                var now = _clock.GetTimestamp();
                if (read < HeaderBytes)
                {
                    continue;
                }

                var arrival = new Arrival(
                    BinaryPrimitives.ReadInt32LittleEndian(buffer),
                    BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(4)),
                    now,
                    read);
                lock (_arrivals)
                {
                    _arrivals.Add(arrival);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _thread.Join();
    }

    /// <summary>One datagram: its sequence number, when it was sent and arrived (clock ticks), its size.</summary>
    public readonly record struct Arrival(int Sequence, long SentTicks, long ArrivedTicks, int Bytes)
    {
        public TimeSpan Latency => TimeSpan.FromTicks(ArrivedTicks - SentTicks);
    }
}
