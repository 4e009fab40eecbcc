namespace Tern.Transports.Fetch.WellKnown;

/// <summary>
/// The domain's own signed descriptor at <c>/.well-known/tern</c> (docs/PROTOCOL.md §6.2) on the HTTP door: the document
/// the node last signed, swapped whole by <see cref="Publish"/> (one reference, so a request sees the old or the new
/// document, never half of each). Nothing is served before the first publication or once the document has expired: a
/// peer refuses an expired descriptor anyway (§6.2), and a 404 says plainly that the node has nothing valid to offer.
/// </summary>
internal sealed class WellKnownDoor
{
    /// <summary>The path (§6.2).</summary>
    public const string Path = "/.well-known/tern";

    /// <summary>The media type of the signed document (§6.2).</summary>
    public const string ContentType = "application/json";

    private Published? _current;

    /// <summary>Serves <paramref name="document"/> from now on, until <paramref name="expiresAt"/>; caches may keep it for at most <paramref name="maxAge"/>.</summary>
    public void Publish(ReadOnlyMemory<byte> document, DateTimeOffset expiresAt, TimeSpan maxAge) =>
        Volatile.Write(ref _current, new Published(document, expiresAt, maxAge));

    /// <summary>
    /// The document to serve at <paramref name="now"/>, and how many whole seconds a cache may keep it: the configured
    /// cap, never past the descriptor's <c>expires_at</c> (a cache must not hand out a document its verifier refuses).
    /// </summary>
    public bool TryGet(DateTimeOffset now, out ReadOnlyMemory<byte> document, out long maxAgeSeconds)
    {
        document = default;
        maxAgeSeconds = 0;
        var current = Volatile.Read(ref _current);
        if (current is null || now >= current.ExpiresAt)
        {
            return false;
        }

        document = current.Document;
        var left = (long)(current.ExpiresAt - now).TotalSeconds;
        maxAgeSeconds = Math.Max(0, Math.Min(left, (long)current.MaxAge.TotalSeconds));
        return true;
    }

    /// <summary>True when <paramref name="path"/> is the well-known path, byte for byte (the HTTP/1.1 door's parsed path).</summary>
    public static bool IsPath(ReadOnlySpan<byte> path) => path.SequenceEqual("/.well-known/tern"u8);

    private sealed record Published(ReadOnlyMemory<byte> Document, DateTimeOffset ExpiresAt, TimeSpan MaxAge);
}
