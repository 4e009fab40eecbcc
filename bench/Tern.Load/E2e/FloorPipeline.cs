using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tern.Load.E2e;

/// <summary>
/// The baseline: the same steps' disk and network work with none of Tern's logic, in the same process, on loopback.
/// Per message: (1) the sender appends <c>size</c> bytes to a log file and fsyncs it (the floor of a durable submit);
/// (2) it sends one 256-byte UDP datagram (about a one-record notification) from an unconnected socket; (3) the
/// recipient's thread, blocked in <c>recvfrom</c>, sends a 32-byte request (a capability) on a kept-alive TCP connection
/// (TCP_NODELAY) to the sender's serving thread, which answers with the <c>size</c> bytes from memory; (4) the
/// recipient writes them to a new file, fsyncs it and fsyncs its directory (the floor of durably storing a new file).
/// Two dedicated threads with blocking sockets: the fewest hand-offs a sender, a recipient and a blob server can have.
/// No encryption, no hashing, no index, no queue.
/// </summary>
internal sealed class FloorPipeline : IDisposable
{
    private const int DatagramBytes = 256;
    private const int RequestBytes = 32;

    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _log;
    private readonly string _inbox;
    private readonly byte[] _blob;
    private readonly byte[] _datagram = new byte[DatagramBytes];
    private readonly Socket _udpOut = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _udpIn = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _fetcher = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _server;
    private readonly EndPoint _notifyTo;
    private readonly SemaphoreSlim _stored = new(0);
    private readonly Thread _serving;
    private readonly Thread _receiving;
    private long _offset;
    private int _sequence;
    private long _received;
    private long _fetched;
    private long _storedAt;
    private Exception? _failure;

    public FloorPipeline(string directory, int size)
    {
        Directory.CreateDirectory(directory);
        _inbox = Path.Combine(directory, "inbox");
        Directory.CreateDirectory(_inbox);
        _log = File.OpenHandle(Path.Combine(directory, "sender.log"), FileMode.CreateNew, FileAccess.ReadWrite);
        _blob = new byte[size];
        Random.Shared.NextBytes(_blob);
        _udpIn.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _notifyTo = _udpIn.LocalEndPoint!;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        _fetcher.NoDelay = true;
        _fetcher.Connect(_listener.LocalEndPoint!);
        _server = _listener.Accept();
        _server.NoDelay = true;
        _serving = new Thread(Serve) { IsBackground = true, Name = "floor-serve" };
        _receiving = new Thread(Receive) { IsBackground = true, Name = "floor-recipient" };
        _serving.Start();
        _receiving.Start();
    }

    /// <summary>One message through the four steps; the timestamps of each step's end (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public (long Submitted, long Notified, long Fetched, long Stored) RunOne()
    {
        RandomAccess.Write(_log, _blob, _offset);
        RandomAccess.FlushToDisk(_log);
        _offset += _blob.Length;
        var submitted = Stopwatch.GetTimestamp();
        _udpOut.SendTo(_datagram, _notifyTo);
        if (!_stored.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("baseline: no message stored within 10 s", _failure);
        }

        return (submitted, _received, _fetched, _storedAt);
    }

    private void Serve()
    {
        var request = new byte[RequestBytes];
        try
        {
            while (true)
            {
                ReceiveExactly(_server, request);
                _server.Send(_blob);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
    }

    private void Receive()
    {
        var datagram = new byte[2048];
        var request = new byte[RequestBytes];
        var body = new byte[_blob.Length];
        try
        {
            while (true)
            {
                _udpIn.Receive(datagram);
                _received = Stopwatch.GetTimestamp();
                _fetcher.Send(request);
                ReceiveExactly(_fetcher, body);
                _fetched = Stopwatch.GetTimestamp();
                var path = Path.Combine(_inbox, (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture));
                using (var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
                {
                    RandomAccess.Write(file, body, 0);
                    RandomAccess.FlushToDisk(file);
                }

                Tern.Engine.Storage.DirectorySync.Flush(_inbox);
                _storedAt = Stopwatch.GetTimestamp();
                _stored.Release();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
        catch (IOException e)
        {
            _failure = e;
        }
    }

    private static void ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            buffer = buffer[read..];
        }
    }

    public void Dispose()
    {
        _udpIn.Dispose();
        _udpOut.Dispose();
        _fetcher.Dispose();
        _server.Dispose();
        _listener.Dispose();
        // Closing the sockets ends the blocked receives; background threads, so a stuck one cannot hold the process.
        _receiving.Join(TimeSpan.FromSeconds(2));
        _serving.Join(TimeSpan.FromSeconds(2));
        _log.Dispose();
        _stored.Dispose();
    }
}
