namespace Tern.Transports.Fetch.Http;

/// <summary>What an HTTP door answers for a blob it can serve: the status and the byte range of the body.</summary>
internal enum BlobAnswer : byte
{
    /// <summary>200, the whole blob.</summary>
    Whole,

    /// <summary>206, [Start, End) of the blob.</summary>
    Partial,

    /// <summary>304: the client's <c>If-None-Match</c> matched the ETag.</summary>
    NotModified,

    /// <summary>416 with <c>Content-Range: bytes */size</c>.</summary>
    RangeNotSatisfiable,
}

/// <summary>
/// The conditional and range decisions of both HTTP doors (Kestrel's and Tern's own HTTP/1.1), made once here so the
/// two answer alike (docs/PROTOCOL.md §8.1): <c>If-None-Match</c> first, then one <c>Range</c> (honoured only when
/// <c>If-Range</c> is absent or names the current ETag).
/// </summary>
internal readonly record struct BlobResponsePlan(BlobAnswer Answer, long Start, long End)
{
    /// <summary>Plans the answer for a blob of <paramref name="size"/> bytes with strong ETag <paramref name="etag"/>.</summary>
    /// <param name="size">The blob's size.</param>
    /// <param name="etag">Its ETag, quoted.</param>
    /// <param name="ifNoneMatch">The <c>If-None-Match</c> value(s), comma-joined; empty when absent.</param>
    /// <param name="hasRange">Whether exactly one <c>Range</c> header came.</param>
    /// <param name="range">Its value.</param>
    /// <param name="hasIfRange">Whether an <c>If-Range</c> header came.</param>
    /// <param name="ifRange">Its value.</param>
    public static BlobResponsePlan Make(long size, string etag, ReadOnlySpan<char> ifNoneMatch, bool hasRange, ReadOnlySpan<char> range, bool hasIfRange, ReadOnlySpan<char> ifRange)
    {
        if (!ifNoneMatch.IsEmpty && Matches(ifNoneMatch, etag))
        {
            return new BlobResponsePlan(BlobAnswer.NotModified, 0, size);
        }

        if (hasRange && (!hasIfRange || ifRange.Trim().SequenceEqual(etag)))
        {
            switch (ByteRange.Parse(range, size, out var start, out var end))
            {
                case ByteRangeKind.Unsatisfiable:
                    return new BlobResponsePlan(BlobAnswer.RangeNotSatisfiable, 0, 0);
                case ByteRangeKind.Partial:
                    return new BlobResponsePlan(BlobAnswer.Partial, start, end);
            }
        }

        return new BlobResponsePlan(BlobAnswer.Whole, 0, size);
    }

    /// <summary>Weak comparison of an <c>If-None-Match</c> list against the ETag (RFC 9110 §13.1.2); <c>*</c> matches.</summary>
    private static bool Matches(ReadOnlySpan<char> ifNoneMatch, string etag)
    {
        foreach (var part in ifNoneMatch.Split(','))
        {
            var candidate = ifNoneMatch[part].Trim();
            if (candidate.SequenceEqual("*") || candidate.SequenceEqual(etag) || (candidate.StartsWith("W/") && candidate[2..].SequenceEqual(etag)))
            {
                return true;
            }
        }

        return false;
    }
}
