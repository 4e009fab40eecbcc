using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tern.Load.Tests;

/// <summary>
/// A trivial local server for the driver's tests: on each connection it reads 8-byte requests (the operation's sequence)
/// and answers each with 8 bytes (0 for success, 1 for a refusal), after the delay <c>behaviour</c> gives for that
/// sequence. Real sockets on loopback, port 0.
/// </summary>
internal sealed class PingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<long, (TimeSpan Delay, bool Refuse)> _behaviour;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    public PingServer(Func<long, (TimeSpan Delay, bool Refuse)> behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            socket.NoDelay = true;
            var buffer = new byte[8];
            try
            {
                while (true)
                {
                    await ReadRequestAsync(socket, buffer);
                    var (delay, refuse) = _behaviour(BinaryPrimitives.ReadInt64LittleEndian(buffer));
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _stop.Token);
                    }

                    BinaryPrimitives.WriteInt64LittleEndian(buffer, refuse ? 1 : 0);
                    await socket.SendAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or EndOfStreamException or ObjectDisposedException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    private async Task ReadRequestAsync(Socket socket, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }
    }
}
