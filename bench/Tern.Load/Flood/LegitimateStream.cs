using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tern.Load.Flood;

/// <summary>
/// The legitimate peer's traffic: sealed notifications at a set rate from 127.0.0.2 on a thread of its own, each sent once
/// (no retransmission: what is filed of them is what the node did under the flood, not what a retry repaired).
/// </summary>
internal sealed class LegitimateStream : IDisposable
{
    private readonly SealingPeer _peer;
    private readonly IPEndPoint _port;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[1280];
    private Thread? _thread;
    private volatile bool _stop;
    private long _sent;

    public LegitimateStream(SealingPeer peer, IPEndPoint port)
    {
        _peer = peer;
        _port = port;
        _socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
    }

    /// <summary>Notifications sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Sends one now (before the flood: the node verifies and caches the peer's key).</summary>
    public void SendOne()
    {
        _socket.SendTo(_buffer.AsSpan(0, _peer.Seal(_buffer)), _port);
        Interlocked.Increment(ref _sent);
    }

    public void Start(double perSecond)
    {
        _stop = false;
        _thread = new Thread(() => Run(perSecond)) { IsBackground = true, Name = "legitimate-peer" };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
        _thread = null;
    }

    public void Dispose()
    {
        Stop();
        _socket.Dispose();
    }

    private void Run(double perSecond)
    {
        var clock = Stopwatch.StartNew();
        long mine = 0;
        while (!_stop)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            while (mine < due)
            {
                SendOne();
                mine++;
            }

            Thread.Sleep(1);
        }
    }
}
