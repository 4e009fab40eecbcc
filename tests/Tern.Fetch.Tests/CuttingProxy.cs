using System.Net;
using System.Net.Sockets;

namespace Tern.Fetch.Tests;

/// <summary>
/// A loopback TCP proxy that breaks its first <c>cuts</c> connections (a reset) after forwarding <c>cutAfter</c> bytes
/// from the server, and passes later connections through: a connection dying mid-body, on demand.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly long _cutAfter;
    private readonly int _cuts;
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _connections;

    public CuttingProxy(IPEndPoint target, long cutAfter, int cuts)
    {
        _target = target;
        _cutAfter = cutAfter;
        _cuts = cuts;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accept = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                var index = Interlocked.Increment(ref _connections);
                _ = PumpAsync(client, index <= _cuts ? _cutAfter : long.MaxValue);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket client, long limit)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(_target);
                var up = CopyAsync(client, server, long.MaxValue);
                var down = CopyAsync(server, client, limit);
                await Task.WhenAny(up, down);
                client.LingerState = new LingerOption(true, 0);
                server.LingerState = new LingerOption(true, 0);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, long limit)
    {
        var buffer = new byte[16384];
        long sent = 0;
        try
        {
            while (sent < limit)
            {
                var n = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)));
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n));
                sent += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }
}
