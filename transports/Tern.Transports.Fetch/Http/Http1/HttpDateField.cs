using System.Globalization;
using System.Text;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// The <c>Date</c> header line (RFC 9110 §6.6.1), remade when the second changes rather than formatted per response.
/// </summary>
internal sealed class HttpDateField
{
    private readonly TimeProvider _time;
    private Line _line = new(long.MinValue, []);

    public HttpDateField(TimeProvider time) => _time = time;

    /// <summary>The time the line is made for; a request reads it once and passes it on.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary><c>Date: ddd, dd MMM yyyy HH:mm:ss GMT</c> and CRLF, for the current second.</summary>
    public ReadOnlySpan<byte> Current => For(Now);

    /// <summary>The line for the second of <paramref name="now"/>.</summary>
    public ReadOnlySpan<byte> For(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        var line = Volatile.Read(ref _line);
        if (line.Second != second)
        {
            line = new Line(second, Encoding.ASCII.GetBytes("Date: " + now.ToString("R", CultureInfo.InvariantCulture) + "\r\n"));
            Volatile.Write(ref _line, line);
        }

        return line.Bytes;
    }

    private sealed record Line(long Second, byte[] Bytes);
}
