using System.Net;
using System.Net.Sockets;

namespace Tern.Testing;

/// <summary>
/// A loopback TCP proxy that passes the server's bytes to the client at a bounded rate, so a large fetch is still under
/// way when a test stops a node; its target can be moved to a restarted node's new port. A connection whose target does
/// not answer is closed at once, as the node's door would be.
/// </summary>
public sealed class ThrottledProxy : IAsyncDisposable
{
    private const int Slice = 16 * 1024;
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly int _bytesPerSecond;
    private long _forwarded;
    private long _held;

    /// <summary>Listens on 127.0.0.1, port 0, and passes at most <paramref name="bytesPerSecond"/> to each client.</summary>
    public ThrottledProxy(int bytesPerSecond)
    {
        _bytesPerSecond = bytesPerSecond;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accept = AcceptAsync();
    }

    /// <summary>Where the proxy listens.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Where new connections go.</summary>
    public IPEndPoint? Target { get; set; }

    /// <summary>
    /// When set, each connection made from now on passes its client this many of the server's bytes, then goes on
    /// reading what the server writes and holds it back: a fetcher whose server has written the last byte of a blob that
    /// never reached it. Defaults to none.
    /// </summary>
    public long? HoldAfter { get; set; }

    /// <summary>Bytes held back from clients so far (<see cref="HoldAfter"/>).</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Bytes passed from servers to clients so far.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(Target ?? throw new SocketException((int)SocketError.ConnectionRefused), _stop.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(client, server, throttle: false, null, done.Token);
                var down = PumpAsync(server, client, throttle: true, HoldAfter, done.Token);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool throttle, long? holdAfter, CancellationToken cancellationToken)
    {
        var passed = 0L;
        var buffer = new byte[Slice];
        var pause = TimeSpan.FromSeconds((double)Slice / _bytesPerSecond);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                var pass = holdAfter is { } limit ? (int)Math.Clamp(limit - passed, 0, read) : read;
                Interlocked.Add(ref _held, read - pass);
                passed += pass;
                if (pass == 0)
                {
                    continue;
                }

                await to.SendAsync(buffer.AsMemory(0, pass), SocketFlags.None, cancellationToken);
                read = pass;
                if (throttle)
                {
                    Interlocked.Add(ref _forwarded, read);
                    await Task.Delay(pause * read / Slice, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }
}
