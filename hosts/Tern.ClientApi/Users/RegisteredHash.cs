namespace Tern.ClientApi.Users;

/// <summary>How a user registered one recipient hash (docs/C2S.md §10): its kind and, when it has one, its expiry.</summary>
/// <param name="Kind">One of <see cref="HashKinds"/>.</param>
/// <param name="ExpiresMs">When the registration lapses (ms since the epoch), or null for never.</param>
internal readonly record struct RegisteredHash(string Kind, long? ExpiresMs)
{
    /// <summary>A hash registered without a body: pairwise, no expiry.</summary>
    public static RegisteredHash Default => new(HashKinds.Default, null);

    /// <summary>Whether the registration has lapsed at <paramref name="nowMs"/>.</summary>
    public bool IsExpired(long nowMs) => ExpiresMs is { } until && until <= nowMs;
}
