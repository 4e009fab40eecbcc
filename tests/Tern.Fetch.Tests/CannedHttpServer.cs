using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Fetch.Tests;

/// <summary>
/// A loopback HTTP/1.1 server that answers every request with 200, the same body and the ETag it was given, whatever
/// that is, then closes: a door that says what Tern's doors never would.
/// </summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly byte[] _response;
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _requests;

    public CannedHttpServer(byte[] body, string etag)
    {
        ArgumentNullException.ThrowIfNull(body);
        var head = Encoding.Latin1.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nETag: {etag}\r\nConnection: close\r\n\r\n");
        _response = [.. head, .. body];
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accept = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Requests answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = AnswerAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using (client)
        {
            try
            {
                // Read up to the end of the request head, then answer and close.
                var head = new List<byte>();
                var buffer = new byte[4096];
                while (!EndsHead(head))
                {
                    var n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    head.AddRange(buffer.AsSpan(0, n));
                }

                Interlocked.Increment(ref _requests);
                await client.SendAsync(_response, SocketFlags.None, _stop.Token);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static bool EndsHead(List<byte> head)
    {
        for (var i = 3; i < head.Count; i++)
        {
            if (head[i - 3] == '\r' && head[i - 2] == '\n' && head[i - 1] == '\r' && head[i] == '\n')
            {
                return true;
            }
        }

        return false;
    }
}
