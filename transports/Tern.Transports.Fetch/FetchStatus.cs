namespace Tern.Transports.Fetch;

/// <summary>
/// How a door answered one blob fetch, in one vocabulary for every door: the framed and QUIC doors' <c>meta</c> status
/// (docs/PROTOCOL.md §8.3) and the HTTP doors' status codes (§8.1) mapped onto it.
/// </summary>
public enum FetchStatus
{
    /// <summary>The range (or the whole blob, or its head) was answered: framed <c>ok</c>, HTTP 200 or 206.</summary>
    Ok = 0,

    /// <summary>HTTP 304: the fetcher's <c>If-None-Match</c> named the blob's ETag.</summary>
    NotModified,

    /// <summary>Unknown, expired, retracted or never issued (§8): framed <c>not_found</c>, HTTP 404.</summary>
    NotFound,

    /// <summary>The range lies outside the blob: framed <c>range_not_satisfiable</c>, HTTP 416.</summary>
    RangeNotSatisfiable,

    /// <summary>A request the door cannot serve: framed <c>bad_request</c>, HTTP 400 and 405.</summary>
    BadRequest,

    /// <summary>The server is overloaded: framed <c>busy</c>, HTTP 503.</summary>
    Busy,
}
