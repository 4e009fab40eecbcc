namespace Tern.Engine.Discovery;

/// <summary>How fetching a signed descriptor document from <c>/.well-known/tern</c> ended.</summary>
public enum DescriptorDownloadStatus : byte
{
    /// <summary>A 200 response with a body within the size limit.</summary>
    Ok = 0,
    /// <summary>The server answered with another status.</summary>
    HttpStatus,
    /// <summary>No complete answer within the time allowed.</summary>
    Timeout,
    /// <summary>The body is larger than a signed document may be (16 KiB, docs/PROTOCOL.md §12).</summary>
    TooLarge,
    /// <summary>The server could not be reached: no address, connection refused, TLS refused, protocol error.</summary>
    Unreachable,
}
