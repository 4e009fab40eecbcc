namespace Tern.ClientApi.Users;

/// <summary>A user as <see cref="UserDirectory.List"/> shows it (no token, no hash of it).</summary>
/// <param name="Name">The user's name (the account charged for what they submit).</param>
/// <param name="Address">The user's address.</param>
/// <param name="Hashes">How many recipient hashes the user registered.</param>
public sealed record UserSummary(string Name, string Address, int Hashes);
