namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>How parsing a buffered request head went.</summary>
internal enum Http1ParseResult : byte
{
    /// <summary>The head is not all there yet.</summary>
    Incomplete,

    /// <summary>A whole head was parsed.</summary>
    Complete,

    /// <summary>The bytes cannot be a request this door serves; the error status says which answer to give before closing.</summary>
    Invalid,
}
