namespace Tern.ClientApi.Users;

/// <summary>What registering a recipient hash did.</summary>
internal enum HashRegistration
{
    /// <summary>Now the user's.</summary>
    Added,

    /// <summary>The user's already: nothing changed.</summary>
    AlreadyOwned,

    /// <summary>Another user's: refused.</summary>
    TakenByOther,

    /// <summary>The user holds the most hashes allowed.</summary>
    Full,
}
