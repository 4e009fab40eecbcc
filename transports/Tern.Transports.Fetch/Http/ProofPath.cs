using Tern.Engine.Protocol.Payload;

namespace Tern.Transports.Fetch.Http;

/// <summary>
/// The proof sub-resource of the HTTP door (docs/PROTOCOL.md §8.1): <c>/v1/blobs/{capability}/proof/{first}-{last}</c>,
/// the range proof (§4.8) of chunks <c>first</c> to <c>last</c> inclusive, decimal without leading zeros. A path in the
/// chunk range form, so a cache keys it like any other URL (a Range header would address bytes of the proof instead).
/// </summary>
internal static class ProofPath
{
    /// <summary>What follows the capability: "/proof/".</summary>
    public const string Marker = "/proof/";

    /// <summary>Parses "first-last" (what follows <see cref="Marker"/>); false for anything else, including last &lt; first.</summary>
    public static bool TryParseRange(ReadOnlySpan<char> text, out long first, out long last)
    {
        first = last = 0;
        var dash = text.IndexOf('-');
        return dash > 0 && TryParseIndex(text[..dash], out first) && TryParseIndex(text[(dash + 1)..], out last) && last >= first;
    }

    /// <summary>
    /// Resolves the chunks asked for against a payload of <paramref name="size"/> bytes: false when they run past its
    /// last chunk or number more than <see cref="PayloadTree.MaxProofChunks"/> (416).
    /// </summary>
    public static bool Fits(long size, long first, long last)
        => last < PayloadTree.ChunkCount(size) && last - first < PayloadTree.MaxProofChunks;

    private static bool TryParseIndex(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;

        // At most 15 digits: every chunk index of a payload below 2^63 bytes fits, and nothing can overflow.
        if (digits.IsEmpty || digits.Length > 15 || (digits[0] == '0' && digits.Length > 1))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
