using System.Diagnostics;
using Tern.ClientApi.Users;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Tests;

/// <summary>
/// The users file has two writers: the running node (hashes, preferences, blocks set through the client API) and the
/// operator's <c>tern user add|token</c> in another process. Neither may write over the other's change.
/// </summary>
public sealed class UsersFileRaceTests : IDisposable
{
    private readonly TempDirectory _directory = new("users-race");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_preference_set_by_the_node_after_another_writer_added_a_user_keeps_that_user()
    {
        var node = UserDirectory.Open(_directory.Path);
        var alice = node.Add("alice", "alice@a.example");
        var aliceUser = node.Authenticate(alice.Token)!;

        // The operator's tool: another directory over the same file, as `tern user add` in its own process.
        UserDirectory.Open(_directory.Path).Add("bob", "bob@a.example");

        Assert.True(node.SetPreference(aliceUser, "c.example", PullPreference.Immediately));
        Assert.True(node.SetBlocked(aliceUser, "d.example", blocked: true));

        var reread = UserDirectory.Open(_directory.Path);
        Assert.Equal(["alice", "bob"], reread.List().Select(u => u.Name));
        var settings = reread.SettingsOf(reread.Authenticate(alice.Token)!);
        Assert.Equal([new("c.example", PullPreference.Immediately)], settings.Preferences);
        Assert.Equal(["d.example"], settings.Blocked);
    }

    [Fact]
    public async Task Two_writers_at_once_lose_no_update()
    {
        const int Users = 40;
        const int Domains = 40;
        var node = UserDirectory.Open(_directory.Path);
        var token = node.Add("alice", "alice@a.example").Token;
        var alice = node.Authenticate(token)!;

        using var start = new Barrier(2);
        var operatorTool = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Users; i++)
            {
                // A fresh directory per command, as each `tern user add` is a new process.
                UserDirectory.Open(_directory.Path).Add($"user{i}", $"user{i}@a.example");
            }
        });
        var api = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Domains; i++)
            {
                Assert.True(node.SetPreference(alice, $"d{i}.example", PullPreference.Immediately));
            }
        });
        await Task.WhenAll(operatorTool, api);

        var reread = UserDirectory.Open(_directory.Path);
        Assert.Equal(Users + 1, reread.List().Count);
        Assert.Equal(Domains, reread.SettingsOf(reread.Authenticate(token) ?? throw new InvalidOperationException("alice lost")).Preferences.Length);
    }

    [Fact]
    public async Task Tern_user_add_in_another_process_while_the_node_writes_loses_no_update()
    {
        const int Users = 6;
        var node = UserDirectory.Open(_directory.Path);
        var token = node.Add("alice", "alice@a.example").Token;
        var alice = node.Authenticate(token)!;
        var tern = BuiltAssembly.Path("hosts/Tern.Cli", "tern.dll");

        using var stop = new CancellationTokenSource();
        var written = 0;
        var api = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                node.SetPreference(alice, $"d{written % 500}.example", PullPreference.Immediately);
                written++;

                // A settings request at a time, as clients make them, not a loop that never lets go of the file.
                Thread.Sleep(2);
            }
        });

        for (var i = 0; i < Users; i++)
        {
            using var add = Process.Start(new ProcessStartInfo("dotnet", [tern, "user", "add", "--name", $"user{i}", "--address", $"user{i}@a.example", "--data-dir", _directory.Path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var error = add.StandardError.ReadToEndAsync();
            await add.StandardOutput.ReadToEndAsync();
            await add.WaitForExitAsync();
            Assert.True(add.ExitCode == 0, await error);
        }

        await stop.CancelAsync();
        await api;
        Assert.True(written > Users, $"the node wrote {written} times while {Users} users were added");

        var reread = UserDirectory.Open(_directory.Path);
        Assert.Equal(Users + 1, reread.List().Count);
        Assert.Equal(Math.Min(written, 500), reread.SettingsOf(reread.Authenticate(token)!).Preferences.Length);
    }
}
