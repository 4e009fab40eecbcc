namespace Tern.ClientApi.Users;

/// <summary>A user's new bearer token. Shown to the operator once: only its SHA-256 is kept.</summary>
/// <param name="Name">The user.</param>
/// <param name="Address">The user's address.</param>
/// <param name="Token">The token, <c>tern_</c> and 43 characters of base64url (256 random bits).</param>
public sealed record IssuedToken(string Name, string Address, string Token);
