namespace Tern.ClientApi.Users;

/// <summary>
/// What a registered recipient hash is to the user (docs/C2S.md §10): which phase of the hash cascade of
/// docs/PROTOCOL.md §5 it comes from. The node files notifications the same way for every kind; a <see cref="Token"/>
/// is what a client registers for a phase-3 single-use token, and usually with an expiry.
/// </summary>
internal static class HashKinds
{
    /// <summary>Phase 1: derived from both users' published keys.</summary>
    public const string Pairwise = "pairwise";

    /// <summary>Phase 2: derived from a shared random negotiated inside the end-to-end payload.</summary>
    public const string Negotiated = "negotiated";

    /// <summary>The user's introduction hash, from their own record: what a stranger writes to.</summary>
    public const string Introduction = "introduction";

    /// <summary>Phase 3: a single-use token the user's key bundle publishes.</summary>
    public const string Token = "token";

    /// <summary>The kinds, for the problem that refuses another.</summary>
    public const string List = "\"pairwise\", \"negotiated\", \"introduction\", \"token\"";

    /// <summary>The kind of a hash registered without one (before kinds existed, or with no body).</summary>
    public const string Default = Pairwise;

    public static bool IsKnown(string? kind) => kind is Pairwise or Negotiated or Introduction or Token;
}
