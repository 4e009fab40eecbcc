using System.Net;
using System.Net.Sockets;

namespace Tern.Engine.Tests.Interop;

/// <summary>
/// A lossy link in the test: receives datagrams on 127.0.0.1:0, drops the first <c>dropFirst</c>, forwards the rest to
/// the target from its own socket, and counts what arrived.
/// </summary>
public sealed class UdpRelay : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _target;
    private readonly int _dropFirst;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _received;

    public UdpRelay(int targetPort, int dropFirst)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _dropFirst = dropFirst;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = Task.Run(RunAsync);
    }

    public int Port { get; }

    /// <summary>Datagrams that reached the relay, dropped or forwarded.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>
    /// Nothing waits in the relay's socket, so every datagram that has reached it is in <see cref="Received"/>: each is
    /// counted before it is taken off the socket.
    /// </summary>
    public bool Drained => _socket.Available == 0;

    private async Task RunAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // Wait for a datagram without taking it (see Drained).
                await _socket.ReceiveFromAsync(buffer, SocketFlags.Peek, any, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var count = Interlocked.Increment(ref _received);
            var length = _socket.ReceiveFrom(buffer, ref any);
            if (count > _dropFirst)
            {
                await _socket.SendToAsync(buffer.AsMemory(0, length), _target);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _socket.Dispose();
        _stop.Dispose();
    }
}
