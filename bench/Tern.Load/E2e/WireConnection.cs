using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Load.E2e;

/// <summary>
/// A blocking HTTP/1.1 client on one kept-alive connection, as curl is one: the request written with one <c>send</c>,
/// the answer read on the caller's thread (status line, the headers it needs, a body by <c>Content-Length</c> or chunked).
/// The end-to-end benchmark's clients use it so that what they time is the node's work and the network's, as the floor's
/// blocking sockets time theirs, not the wakes of an asynchronous client library on the pool (<c>E2E_CLIENT=httpclient</c>
/// keeps <see cref="System.Net.Http.HttpClient"/> for comparison).
/// </summary>
internal sealed class WireConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _head;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public WireConnection(string endpoint, string token, TimeSpan timeout)
    {
        var at = IPEndPoint.Parse(endpoint);
        _socket = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        _socket.SendTimeout = (int)timeout.TotalMilliseconds;
        _socket.Connect(at);
        _head = Encoding.ASCII.GetBytes($"Host: {endpoint}\r\nAuthorization: Bearer {token}\r\n");
    }

    /// <summary>Sends one request: <paramref name="pathAndQuery"/> is ASCII, <paramref name="body"/> sent with its length.</summary>
    public void Send(string method, string pathAndQuery, ReadOnlySpan<byte> body = default, string? accept = null, string? contentType = null)
    {
        var head = new StringBuilder(256).Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        if (accept is not null)
        {
            head.Append("Accept: ").Append(accept).Append("\r\n");
        }

        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        if (body.Length > 0 || method is "POST" or "PUT")
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        var text = head.ToString();
        var first = Encoding.ASCII.GetByteCount(text);
        var request = new byte[first + _head.Length + 2 + body.Length];
        Encoding.ASCII.GetBytes(text, request);
        _head.CopyTo(request, first);
        request[first + _head.Length] = (byte)'\r';
        request[first + _head.Length + 1] = (byte)'\n';
        body.CopyTo(request.AsSpan(first + _head.Length + 2));
        var sent = 0;
        while (sent < request.Length)
        {
            sent += _socket.Send(request, sent, request.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>Reads one whole answer: its status and its body (a copy).</summary>
    public (int Status, byte[] Body) Receive()
    {
        var (status, length, chunked) = ReceiveHead();
        if (!chunked)
        {
            var body = new byte[length];
            ReadExactly(body);
            return (status, body);
        }

        using var whole = new MemoryStream();
        while (NextChunk() is { Length: > 0 } chunk)
        {
            whole.Write(chunk);
        }

        return (status, whole.ToArray());
    }

    /// <summary>Reads an answer's status line and headers; the body follows by <c>Content-Length</c> or in chunks.</summary>
    public (int Status, long Length, bool Chunked) ReceiveHead()
    {
        var statusLine = ReadLine();
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException($"not an HTTP/1.1 status line: '{Encoding.ASCII.GetString(statusLine)}'");
        }

        long length = 0;
        var chunked = false;
        while (ReadLine() is { Length: > 0 } header)
        {
            var colon = header.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = header[..colon];
            var value = header[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out length, out _))
                {
                    throw new InvalidDataException($"not a Content-Length: '{Encoding.ASCII.GetString(value)}'");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8) && Ascii.EqualsIgnoreCase(value, "chunked"u8))
            {
                chunked = true;
            }
        }

        return (status, length, chunked);
    }

    /// <summary>The next chunk of a chunked body, valid until the next read; empty at the last chunk (its trailer read).</summary>
    public ReadOnlySpan<byte> NextChunk()
    {
        var sizeLine = ReadLine();
        var semicolon = sizeLine.IndexOf((byte)';');
        if (!Utf8Parser.TryParse(semicolon < 0 ? sizeLine : sizeLine[..semicolon], out int size, out _, 'x'))
        {
            throw new InvalidDataException($"not a chunk size: '{Encoding.ASCII.GetString(sizeLine)}'");
        }

        if (size == 0)
        {
            while (ReadLine().Length > 0)
            {
            }

            return default;
        }

        Fill(size + 2);
        var chunk = _buffer.AsSpan(_start, size);
        _start += size + 2;
        return chunk;
    }

    public void Dispose() => _socket.Dispose();

    private void ReadExactly(Span<byte> destination)
    {
        var from = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, from).CopyTo(destination);
        _start += from;
        while (from < destination.Length)
        {
            var read = _socket.Receive(destination[from..]);
            if (read == 0)
            {
                throw new EndOfStreamException("the node closed the connection");
            }

            from += read;
        }
    }

    /// <summary>One line without its CRLF, valid until the next read.</summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        var scanned = 0;
        while (true)
        {
            var end = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = _buffer.AsSpan(_start, scanned + end);
                _start += scanned + end + 2;
                return line;
            }

            scanned = Math.Max(0, _end - _start - 1);
            Fill(_end - _start + 1);
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered from the current position.</summary>
    private void Fill(int count)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (_start + count > _buffer.Length)
        {
            var bigger = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            (_buffer, _end, _start) = (bigger, _end - _start, 0);
        }

        while (_end - _start < count)
        {
            var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException("the node closed the connection");
            }

            _end += read;
        }
    }
}
