using System.Buffers;
using System.Buffers.Text;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// Writes HTTP/1.1 status lines and header fields straight into the connection's output as ASCII, with no strings
/// in between. A head is built in one span of the pipe's memory and advanced once.
/// </summary>
internal ref struct Http1ResponseHead
{
    private readonly IBufferWriter<byte> _output;
    private readonly Span<byte> _span;
    private int _written;

    /// <summary>Starts a head of at most <paramref name="capacity"/> bytes with the status line for <paramref name="status"/>.</summary>
    public Http1ResponseHead(IBufferWriter<byte> output, int status, int capacity)
    {
        _output = output;
        _span = output.GetSpan(capacity);
        _written = 0;
        Append(StatusLine(status));
    }

    /// <summary>Bytes a head needs beyond its variable fields (status line, fixed fields, numbers).</summary>
    public const int FixedCapacity = 512;

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[_written..]);
        _written += bytes.Length;
    }

    /// <summary>Appends <c>Name: value</c> CRLF with a decimal value.</summary>
    public void AppendField(scoped ReadOnlySpan<byte> nameColonSpace, long value)
    {
        Append(nameColonSpace);
        AppendNumber(value);
        Append("\r\n"u8);
    }

    public void AppendNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _span[_written..], out var written);
        _written += written;
    }

    /// <summary>Ends the head (empty line) and hands it to the output.</summary>
    public void Complete(bool keepAlive, bool http10)
    {
        if (!keepAlive)
        {
            Append("Connection: close\r\n"u8);
        }
        else if (http10)
        {
            Append("Connection: keep-alive\r\n"u8);
        }

        Append("\r\n"u8);
        _output.Advance(_written);
    }

    private static ReadOnlySpan<byte> StatusLine(int status) => status switch
    {
        200 => "HTTP/1.1 200 OK\r\n"u8,
        206 => "HTTP/1.1 206 Partial Content\r\n"u8,
        304 => "HTTP/1.1 304 Not Modified\r\n"u8,
        400 => "HTTP/1.1 400 Bad Request\r\n"u8,
        404 => "HTTP/1.1 404 Not Found\r\n"u8,
        405 => "HTTP/1.1 405 Method Not Allowed\r\n"u8,
        413 => "HTTP/1.1 413 Content Too Large\r\n"u8,
        416 => "HTTP/1.1 416 Range Not Satisfiable\r\n"u8,
        431 => "HTTP/1.1 431 Request Header Fields Too Large\r\n"u8,
        501 => "HTTP/1.1 501 Not Implemented\r\n"u8,
        505 => "HTTP/1.1 505 HTTP Version Not Supported\r\n"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No status line for this code."),
    };
}
