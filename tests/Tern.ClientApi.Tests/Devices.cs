namespace Tern.ClientApi.Tests;

/// <summary>Enrolment helpers: a user with devices, each with its own session.</summary>
public static class Devices
{
    /// <summary>Adds <paramref name="user"/> and gives two clients of theirs.</summary>
    public static Task<(HttpClient First, HttpClient Second)> TwoDevicesAsync(ApiNode node, string user)
    {
        var (first, token) = node.AddUser(user);
        return Task.FromResult((first, node.ClientFor(token.Token)));
    }
}
