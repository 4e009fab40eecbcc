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
/// With <c>clientHops</c>, as the floor of a run through the client API: before (1), the <c>size</c> bytes go over a
/// kept-alive TCP connection to the sender's side and a 128-byte answer comes back after (1) (the submit request and its
/// answer); after (4), a 32-byte request and the <c>size</c> bytes answered on another kept-alive connection (the
/// recipient's client reading the message). Both ends of these two are on the calling thread: no hand-off between
/// threads, a floor below what two processes' HTTP exchanges can reach. With <c>push</c> as well, the recipient's thread,
/// once it stored the message, sends <see cref="PushBytes"/> on a third kept-alive connection to the calling thread,
/// which reads the message on receiving them (a client told on an open connection, as by an event stream, then reading).
/// </summary>
internal sealed class FloorPipeline : IDisposable
{
    private const int DatagramBytes = 256;
    private const int RequestBytes = 32;
    private const int AnswerBytes = 128;
    private const int PushBytes = 96;

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
    private readonly (Socket Client, Socket Server)? _submitHop;
    private readonly (Socket Client, Socket Server)? _readHop;
    private readonly (Socket Client, Socket Server)? _pushHop;
    private readonly byte[] _hopBuffer;
    private long _offset;
    private int _sequence;
    private long _received;
    private long _fetched;
    private long _storedAt;
    private Exception? _failure;

    public FloorPipeline(string directory, int size, bool clientHops = false, bool push = false)
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
        if (clientHops && push)
        {
            _pushHop = Connected();
        }

        _serving = new Thread(Serve) { IsBackground = true, Name = "floor-serve" };
        _receiving = new Thread(Receive) { IsBackground = true, Name = "floor-recipient" };
        _serving.Start();
        _receiving.Start();
        _hopBuffer = new byte[size];
        if (clientHops)
        {
            _submitHop = Connected();
            _readHop = Connected();
        }
    }

    /// <summary>
    /// One message through the four steps; the timestamps of each step's end (<see cref="Stopwatch.GetTimestamp"/>), and
    /// of the recipient's client having read it (with client hops; else the same as <c>Stored</c>).
    /// </summary>
    public (long Submitted, long Notified, long Fetched, long Stored, long Read) RunOne()
    {
        if (_submitHop is ({ } client, { } server))
        {
            client.Send(_blob);
            ReceiveExactly(server, _hopBuffer);
        }

        RandomAccess.Write(_log, _blob, _offset);
        RandomAccess.FlushToDisk(_log);
        _offset += _blob.Length;
        if (_submitHop is ({ } submitter, { } api))
        {
            api.Send(_hopBuffer.AsSpan(0, AnswerBytes));
            ReceiveExactly(submitter, _hopBuffer.AsSpan(0, AnswerBytes));
        }

        var submitted = Stopwatch.GetTimestamp();
        _udpOut.SendTo(_datagram, _notifyTo);
        if (_pushHop is ({ } told, _))
        {
            told.ReceiveTimeout = 10_000;
            ReceiveExactly(told, _hopBuffer.AsSpan(0, PushBytes));
        }
        else if (!_stored.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("baseline: no message stored within 10 s", _failure);
        }

        if (_readHop is ({ } reader, { } node))
        {
            reader.Send(_hopBuffer.AsSpan(0, RequestBytes));
            ReceiveExactly(node, _hopBuffer.AsSpan(0, RequestBytes));
            node.Send(_blob);
            ReceiveExactly(reader, _hopBuffer);
        }

        return (submitted, _received, _fetched, _storedAt, Stopwatch.GetTimestamp());
    }

    /// <summary>A kept-alive TCP connection on loopback (TCP_NODELAY), both ends.</summary>
    private static (Socket Client, Socket Server) Connected()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.NoDelay = true;
        return (client, server);
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
        var push = new byte[PushBytes];
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
                if (_pushHop is (_, { } pusher))
                {
                    pusher.Send(push);
                }
                else
                {
                    _stored.Release();
                }
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
        foreach (var hop in new[] { _submitHop, _readHop, _pushHop })
        {
            if (hop is ({ } client, { } server))
            {
                client.Dispose();
                server.Dispose();
            }
        }

        // Closing the sockets ends the blocked receives; background threads, so a stuck one cannot hold the process.
        _receiving.Join(TimeSpan.FromSeconds(2));
        _serving.Join(TimeSpan.FromSeconds(2));
        _log.Dispose();
        _stored.Dispose();
    }
}
