using Tern.Engine.Protocol;

namespace Tern.Transports.Fetch.Http.Http1;

/// <summary>
/// What the door keeps of one parsed request across awaits (the parsed spans die with the input buffer): the
/// capability decoded, the conditional headers as strings only when present (they are rare; the common request
/// allocates nothing).
/// </summary>
internal readonly record struct Http1Work(
    Http1Method Method,
    bool IsBlobPath,
    FetchCapability Capability,
    bool KeepAlive,
    bool IsHttp10,
    bool HasRange,
    string? Range,
    bool HasIfRange,
    string? IfRange,
    string? IfNoneMatch,
    bool IsProofPath = false,
    long ProofFirst = 0,
    long ProofLast = 0,
    bool IsUserKeysPath = false,
    bool UserKeysWellFormed = false,
    Bytes32 AddressHash = default,
    bool IsWellKnownPath = false)
{
    private static ReadOnlySpan<byte> Prefix => "/v1/blobs/"u8;

    private static ReadOnlySpan<byte> UserKeysPrefix => "/v1/user-keys/"u8;

    /// <summary>Copies out what the door needs of <paramref name="request"/>.</summary>
    public static Http1Work From(in Http1Request request)
    {
        var path = request.Path;
        var isBlob = false;
        var isProof = false;
        long first = 0, last = 0;
        FetchCapability capability = default;
        if (path.StartsWith(Prefix) && path.Length - Prefix.Length <= 128)
        {
            Span<char> text = stackalloc char[128];
            var encoded = path[Prefix.Length..];
            if (System.Text.Ascii.ToUtf16(encoded, text, out var written) == System.Buffers.OperationStatus.Done)
            {
                var rest = text[..written];
                if (rest.Length > Bytes32.TextLength && rest[Bytes32.TextLength..].StartsWith(ProofPath.Marker, StringComparison.Ordinal))
                {
                    // The proof sub-resource (§8.1): a malformed range is a path like any other that does not exist.
                    isProof = ProofPath.TryParseRange(rest[(Bytes32.TextLength + ProofPath.Marker.Length)..], out first, out last)
                              && FetchCapability.TryParse(rest[..Bytes32.TextLength], out capability);
                }
                else if (rest.Length <= 64)
                {
                    isBlob = FetchCapability.TryParse(rest, out capability);
                }
            }
        }

        var isUserKeys = false;
        var wellFormed = false;
        Bytes32 addressHash = default;
        if (path.StartsWith(UserKeysPrefix))
        {
            // The key lookup (docs/PROTOCOL.md §14.4): a segment that is not a canonical hash is 400, not 404.
            isUserKeys = true;
            Span<char> text = stackalloc char[Bytes32.TextLength];
            var segment = path[UserKeysPrefix.Length..];
            wellFormed = segment.Length == Bytes32.TextLength
                && System.Text.Ascii.ToUtf16(segment, text, out var written) == System.Buffers.OperationStatus.Done
                && Bytes32.TryParse(text[..written], out addressHash);
        }

        var hasRange = request.RangeCount == 1;
        return new Http1Work(
            request.Method,
            isBlob,
            capability,
            request.KeepAlive,
            request.IsHttp10,
            hasRange,
            hasRange ? AsciiString(request.Range) : null,
            request.HasIfRange,
            request.HasIfRange ? AsciiString(request.IfRange) : null,
            request.IfNoneMatchCount == 1 ? AsciiString(request.IfNoneMatch) : null,
            isProof,
            first,
            last,
            isUserKeys,
            wellFormed,
            addressHash,
            WellKnown.WellKnownDoor.IsPath(path));
    }

    /// <summary>Header bytes as a string (Latin-1, so obs-text survives and simply never matches).</summary>
    private static string AsciiString(ReadOnlySpan<byte> value) => System.Text.Encoding.Latin1.GetString(value);
}
