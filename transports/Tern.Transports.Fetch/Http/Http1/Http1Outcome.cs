namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>What the connection does after a response.</summary>
internal enum Http1Outcome : byte
{
    /// <summary>Read the next request.</summary>
    KeepAlive,

    /// <summary>Flush and close (the request asked for it, or HTTP/1.0 without keep-alive).</summary>
    Close,

    /// <summary>Abort: the response was cut short and its Content-Length cannot be honoured.</summary>
    Abort,
}
