using Tern.ClientApi.Users;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Pull preferences and blocks set through the client API are written to the user's settings file, and the directory a restarted
/// node opens applies them to the ingest's table before the first datagram.
/// </summary>
public sealed class UsersFilePersistenceTests : IDisposable
{
    private readonly TempDirectory _directory = new("users-persist");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Preferences_and_blocks_survive_a_restart_of_the_node()
    {
        var path = Path.Combine(_directory.Path, "users.json");
        var hash = RecipientHash.NewRandom();
        var running = new UserDirectory(path, new PullPreferenceTable(), maxHashes: 4, maxDomains: 4);
        var user = running.Authenticate(running.Add("alice", "alice@a.example").Token)!;
        Assert.Equal(HashRegistration.Added, running.RegisterHash(user, hash, RegisteredHash.Default));
        Assert.True(running.SetPreference(user, "c.example", PullPreference.Immediately));
        Assert.True(running.SetBlocked(user, "d.example", blocked: true));

        // The restarted node: a new table, filled from the file alone.
        var table = new PullPreferenceTable();
        _ = new UserDirectory(path, table, maxHashes: 4, maxDomains: 4);
        Assert.Equal(PullPreference.Immediately, table.Lookup(hash, "c.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(hash, "d.example"u8));
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(hash, "e.example"u8));
    }
}
