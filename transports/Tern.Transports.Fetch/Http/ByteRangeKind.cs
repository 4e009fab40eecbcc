namespace Tern.Transports.Fetch.Http;

/// <summary>What a <c>Range</c> header asks of one blob (RFC 9110 §14).</summary>
internal enum ByteRangeKind
{
    /// <summary>No usable single range (absent, malformed, several ranges, another unit): serve the whole blob, 200.</summary>
    Whole,

    /// <summary>One satisfiable range: 206.</summary>
    Partial,

    /// <summary>A well-formed range that lies outside the blob: 416.</summary>
    Unsatisfiable,
}
