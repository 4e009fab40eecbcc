namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>The request methods the blob door tells apart.</summary>
internal enum Http1Method : byte
{
    /// <summary><c>GET</c>.</summary>
    Get,

    /// <summary><c>HEAD</c>.</summary>
    Head,

    /// <summary>Any other token: answered 405.</summary>
    Other,
}

/// <summary>
/// The parts of one HTTP/1.x request head that the blob door uses, as spans into the parsed bytes: valid only until
/// those bytes are released, so the door copies out what it keeps across an await.
/// </summary>
internal ref struct Http1Request
{
    /// <summary>The method.</summary>
    public Http1Method Method;

    /// <summary>The request target's path (origin form, or the path of an absolute form), without the query.</summary>
    public ReadOnlySpan<byte> Path;

    /// <summary>HTTP/1.0 (close by default) rather than HTTP/1.1 (persistent by default).</summary>
    public bool IsHttp10;

    /// <summary>Whether the connection stays open after the response (version default, then <c>Connection</c> tokens).</summary>
    public bool KeepAlive;

    /// <summary>Number of <c>Range</c> header lines (only exactly one is honoured).</summary>
    public int RangeCount;

    /// <summary>The <c>Range</c> value.</summary>
    public ReadOnlySpan<byte> Range;

    /// <summary>Whether an <c>If-Range</c> header came.</summary>
    public bool HasIfRange;

    /// <summary>The <c>If-Range</c> value.</summary>
    public ReadOnlySpan<byte> IfRange;

    /// <summary>Number of <c>If-None-Match</c> header lines.</summary>
    public int IfNoneMatchCount;

    /// <summary>The first <c>If-None-Match</c> value.</summary>
    public ReadOnlySpan<byte> IfNoneMatch;

    /// <summary>The declared body length (a GET or HEAD body is read and discarded).</summary>
    public long ContentLength;

    /// <summary>Bytes of the request head, request line to the empty line included.</summary>
    public int HeadLength;
}
