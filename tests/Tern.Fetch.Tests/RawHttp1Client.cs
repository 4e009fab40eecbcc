using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Fetch.Tests;

/// <summary>A bare HTTP/1.1 client over a socket, for what HttpClient will not send: pipelines, split heads, bad bytes.</summary>
internal sealed class RawHttp1Client : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly List<byte> _pending = [];

    public static async Task<RawHttp1Client> ConnectAsync(int port)
    {
        var client = new RawHttp1Client();
        await client._socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes);

    /// <summary>Reads one response: status, headers (names lower-cased) and a body of its Content-Length (none for HEAD).</summary>
    public async Task<Response> ReadResponseAsync(bool head = false)
    {
        int end;
        while ((end = IndexOfEndOfHead()) < 0)
        {
            if (!await FillAsync())
            {
                throw new IOException("Connection closed before a whole response head.");
            }
        }

        var text = Encoding.Latin1.GetString([.. _pending.Take(end)]);
        _pending.RemoveRange(0, end + 4);
        var lines = text.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var length = head || status == 304 || !headers.TryGetValue("content-length", out var value) ? 0 : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        while (_pending.Count < length)
        {
            if (!await FillAsync())
            {
                throw new IOException("Connection closed before the whole body.");
            }
        }

        var body = _pending.Take(length).ToArray();
        _pending.RemoveRange(0, length);
        return new Response(lines[0], status, headers, body);
    }

    /// <summary>True when the server closes the connection (bounded wait) with nothing more sent.</summary>
    public async Task<bool> ClosedAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            return !await FillAsync(cts.Token) && _pending.Count == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<bool> FillAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        _pending.AddRange(buffer.AsSpan(0, n));
        return n > 0;
    }

    private int IndexOfEndOfHead()
    {
        for (var i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    internal sealed record Response(string StatusLine, int Status, Dictionary<string, string> Headers, byte[] Body);
}
