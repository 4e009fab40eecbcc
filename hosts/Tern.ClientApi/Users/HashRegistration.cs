namespace Tern.ClientApi.Users;

/// <summary>What registering a recipient hash did.</summary>
internal enum HashRegistration
{
    /// <summary>Now the user's.</summary>
    Added,

    /// <summary>The user's already, with the same kind and expiry: nothing changed.</summary>
    AlreadyOwned,

    /// <summary>The user's already: its kind or expiry changed.</summary>
    Updated,

    /// <summary>Another user's: refused.</summary>
    TakenByOther,

    /// <summary>The user holds the most hashes allowed.</summary>
    Full,
}
