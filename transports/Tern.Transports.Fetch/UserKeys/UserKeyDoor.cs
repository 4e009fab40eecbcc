using Tern.Engine.Keys;
using Tern.Engine.Protocol;

namespace Tern.Transports.Fetch.UserKeys;

/// <summary>
/// The key lookup every door shares (docs/PROTOCOL.md §14.4): the HTTP path <c>/v1/user-keys/{address_hash}</c> and
/// the framed <c>user_keys_request</c>. The node sets <see cref="Lookup"/> once its stores are open; until then, and on
/// a door built without one, every lookup is not found.
/// </summary>
internal sealed class UserKeyDoor
{
    /// <summary>The HTTP path's prefix.</summary>
    public const string Prefix = "/v1/user-keys/";

    /// <summary>The media type of a bundle (§14.4).</summary>
    public const string ContentType = "application/vnd.tern.user-keys";

    /// <summary>How long a cache may keep a bundle, in seconds (§14.4 allows up to 3600): short, so a revocation spreads within minutes.</summary>
    public const int MaxAgeSeconds = 300;

    /// <summary>The <c>Cache-Control</c> of a served bundle.</summary>
    public const string CacheControl = "max-age=300";

    public IUserKeyLookup? Lookup { get; set; }

    /// <summary>The bundle for <paramref name="addressHash"/>, if one is published.</summary>
    public bool TryGet(Bytes32 addressHash, out ReadOnlyMemory<byte> bundle)
    {
        bundle = default;
        return Lookup is { } lookup && lookup.TryGetBundle(addressHash, out bundle);
    }

    /// <summary>True when <paramref name="path"/> names the lookup; <paramref name="hash"/> is then set when the segment is a canonical hash.</summary>
    public static bool IsLookupPath(ReadOnlySpan<char> path, out bool wellFormed, out Bytes32 hash)
    {
        hash = default;
        wellFormed = false;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var segment = path[Prefix.Length..];
        wellFormed = segment.Length == Bytes32.TextLength && Bytes32.TryParse(segment, out hash);
        return true;
    }
}
