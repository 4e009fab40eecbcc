using System.Text;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// Parses one HTTP/1.x request head (RFC 9112) from contiguous bytes, strictly: CRLF line ends, no obsolete line
/// folding, no whitespace before a header colon, no control characters in values, one <c>Host</c> (required in
/// HTTP/1.1), a plain decimal <c>Content-Length</c>, no <c>Transfer-Encoding</c>. It reads only the headers the blob door uses and never allocates. Anything it refuses comes back
/// with the status to answer before the connection is closed.
/// </summary>
internal static class Http1RequestParser
{
    /// <summary>Header lines accepted in one request; one more is 431.</summary>
    public const int MaxHeaderCount = 100;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/>. <see cref="Http1ParseResult.Incomplete"/> when more
    /// bytes are needed; <see cref="Http1ParseResult.Invalid"/> with <paramref name="errorStatus"/> (400, 431 or 505) when the bytes cannot be a request this door serves.
    /// </summary>
    public static Http1ParseResult Parse(ReadOnlySpan<byte> buffer, int maxHeadLength, ref Http1Request request, out int errorStatus)
    {
        errorStatus = 0;

        // A recipient ignores empty lines before the request line (RFC 9112 §2.2), but they are part of the head for its
        // limit: otherwise a flood of them is buffered without end, and a request behind more than the limit of them is
        // never found (the connection parses a copy of at most the limit when a head spans segments).
        var skipped = 0;
        while (buffer.Length - skipped >= 2 && skipped < maxHeadLength && buffer[skipped] == '\r' && buffer[skipped + 1] == '\n')
        {
            skipped += 2;
        }

        var span = buffer[skipped..];
        var end = span.IndexOf(EndOfHead);
        if (end < 0)
        {
            if (buffer.Length >= maxHeadLength)
            {
                errorStatus = 431;
                return Http1ParseResult.Invalid;
            }

            return span.Length >= 2 && span[^1] == '\n' && span[^2] != '\r' ? Fail(400, out errorStatus) : Http1ParseResult.Incomplete;
        }

        if (skipped + end + 4 > maxHeadLength)
        {
            errorStatus = 431;
            return Http1ParseResult.Invalid;
        }

        request = default;
        request.HeadLength = skipped + end + 4;
        var head = span[..(end + 2)];
        var lineEnd = head.IndexOf(CrLf);
        if (!ParseRequestLine(head[..lineEnd], ref request, out errorStatus))
        {
            return Http1ParseResult.Invalid;
        }

        var hostCount = 0;
        var headerCount = 0;
        var closeToken = false;
        var keepAliveToken = false;
        request.ContentLength = -1;
        var rest = head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf(CrLf);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            if (++headerCount > MaxHeaderCount)
            {
                return Fail(431, out errorStatus);
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                // Includes obsolete line folding (a line starting with whitespace) and whitespace before the colon.
                return Fail(400, out errorStatus);
            }

            var name = line[..colon];
            var value = TrimWhitespace(line[(colon + 1)..]);
            if (!IsFieldValue(value))
            {
                return Fail(400, out errorStatus);
            }

            switch (name.Length)
            {
                case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                    hostCount++;
                    break;
                case 5 when Ascii.EqualsIgnoreCase(name, "Range"u8):
                    request.RangeCount++;
                    request.Range = value;
                    break;
                case 8 when Ascii.EqualsIgnoreCase(name, "If-Range"u8):
                    request.HasIfRange = true;
                    request.IfRange = value;
                    break;
                case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                    ReadConnectionTokens(value, ref closeToken, ref keepAliveToken);
                    break;
                case 13 when Ascii.EqualsIgnoreCase(name, "If-None-Match"u8):
                    if (request.IfNoneMatchCount++ == 0)
                    {
                        request.IfNoneMatch = value;
                    }

                    break;
                case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                    if (!TryParseLength(value, out var length) || (request.ContentLength >= 0 && request.ContentLength != length))
                    {
                        return Fail(400, out errorStatus);
                    }

                    request.ContentLength = length;
                    break;
                case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                    // A GET or HEAD has no use for a body; a coded one is refused rather than decoded (as Kestrel
                    // refuses Content-Length with Transfer-Encoding), and the connection closes.
                    return Fail(400, out errorStatus);
            }
        }

        if (hostCount > 1 || (hostCount == 0 && !request.IsHttp10))
        {
            return Fail(400, out errorStatus);
        }

        request.ContentLength = Math.Max(0, request.ContentLength);
        request.KeepAlive = request.IsHttp10 ? keepAliveToken && !closeToken : !closeToken;
        return Http1ParseResult.Complete;
    }

    private static bool ParseRequestLine(ReadOnlySpan<byte> line, ref Http1Request request, out int errorStatus)
    {
        errorStatus = 400;
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || !IsToken(line[..space]))
        {
            return false;
        }

        var method = line[..space];
        request.Method = method.SequenceEqual("GET"u8) ? Http1Method.Get : method.SequenceEqual("HEAD"u8) ? Http1Method.Head : Http1Method.Other;
        line = line[(space + 1)..];
        space = line.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var target = line[..space];
        var version = line[(space + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            request.IsHttp10 = false;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            request.IsHttp10 = true;
        }
        else
        {
            // A well-formed version this door does not speak is 505; anything else is not HTTP.
            errorStatus = version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5]) && version[6] == '.' && char.IsAsciiDigit((char)version[7]) ? 505 : 400;
            return false;
        }

        if (target.IndexOfAnyInRange((byte)0, (byte)' ') >= 0 || target.Contains((byte)0x7f))
        {
            return false;
        }

        if (!TryGetPath(target, out request.Path))
        {
            return false;
        }

        errorStatus = 0;
        return true;
    }

    /// <summary>The path of an origin-form (<c>/p?q</c>) or absolute-form (<c>http://host/p?q</c>) target; <c>*</c> as is.</summary>
    private static bool TryGetPath(ReadOnlySpan<byte> target, out ReadOnlySpan<byte> path)
    {
        path = target;
        if (target[0] != '/')
        {
            if (target.SequenceEqual("*"u8))
            {
                return true;
            }

            var scheme = target.IndexOf("://"u8);
            if (scheme <= 0 || !(Ascii.EqualsIgnoreCase(target[..scheme], "http"u8) || Ascii.EqualsIgnoreCase(target[..scheme], "https"u8)))
            {
                return false;
            }

            var afterAuthority = target[(scheme + 3)..];
            var slash = afterAuthority.IndexOfAny((byte)'/', (byte)'?');
            path = slash < 0 || afterAuthority[slash] == '?' ? "/"u8 : afterAuthority[slash..];
        }

        var query = path.IndexOf((byte)'?');
        if (query >= 0)
        {
            path = path[..query];
        }

        return true;
    }

    private static void ReadConnectionTokens(ReadOnlySpan<byte> value, ref bool close, ref bool keepAlive)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = TrimWhitespace(value[range]);
            close |= Ascii.EqualsIgnoreCase(token, "close"u8);
            keepAlive |= Ascii.EqualsIgnoreCase(token, "keep-alive"u8);
        }
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>RFC 9110 token characters (tchar).</summary>
    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            var ok = b switch
            {
                >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' => true,
                (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~' => true,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Field values: visible characters, spaces, tabs and obs-text; no other control characters.</summary>
    private static bool IsFieldValue(ReadOnlySpan<byte> value) =>
        value.IndexOfAnyInRange((byte)0, (byte)0x08) < 0 && value.IndexOfAnyInRange((byte)0x0a, (byte)0x1f) < 0 && !value.Contains((byte)0x7f);

    private static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = value.Length;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return value[start..end];
    }

    private static Http1ParseResult Fail(int status, out int errorStatus)
    {
        errorStatus = status;
        return Http1ParseResult.Invalid;
    }
}
