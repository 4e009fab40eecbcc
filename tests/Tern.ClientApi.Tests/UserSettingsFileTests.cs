using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Each user's settings (hashes, preferences, blocks) live in a file of their own beside the users file, so a change of
/// one user's settings rewrites that user's file alone: never the users file, never another user's. A users file of the
/// first layout, with every user's settings inside, is split when a directory opens it.
/// </summary>
public sealed class UserSettingsFileTests : IDisposable
{
    private readonly TempDirectory _directory = new("users-settings");

    public void Dispose() => _directory.Dispose();

    private string UsersFile => _directory.File("users.json");

    private string SettingsFile(string name) => _directory.File("users", name + ".json");

    [Fact]
    public void A_settings_change_rewrites_that_users_file_alone()
    {
        var users = new UserDirectory(UsersFile, new PullPreferenceTable(), maxHashes: 8, maxDomains: 8);
        var alice = users.Authenticate(users.Add("alice", "alice@a.example").Token)!;
        var bob = users.Authenticate(users.Add("bob", "bob@a.example").Token)!;
        Assert.Equal(HashRegistration.Added, users.RegisterHash(bob, RecipientHash.NewRandom(), RegisteredHash.Default));
        var usersBefore = Snapshot(UsersFile);
        var bobBefore = Snapshot(SettingsFile("bob"));

        var hash = RecipientHash.NewRandom();
        Assert.Equal(HashRegistration.Added, users.RegisterHash(alice, hash, new RegisteredHash(HashKinds.Token, 1_900_000_000_000)));
        Assert.True(users.SetPreference(alice, "c.example", PullPreference.Immediately));
        Assert.True(users.SetBlocked(alice, "d.example", blocked: true));
        Assert.True(users.UnregisterHash(bob, users.HashesOf(bob)[0]));

        Assert.Equal(usersBefore, Snapshot(UsersFile));
        Assert.NotEqual(bobBefore, Snapshot(SettingsFile("bob")));
        using (var file = JsonDocument.Parse(File.ReadAllBytes(SettingsFile("alice"))))
        {
            var root = file.RootElement;
            Assert.Equal([hash.ToString()], root.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()));
            Assert.Equal("token", root.GetProperty("hashDetails").GetProperty(hash.ToString()).GetProperty("kind").GetString());
            Assert.Equal("Immediately", root.GetProperty("preferences").GetProperty("c.example").GetString());
            Assert.Equal(["d.example"], root.GetProperty("blocked").EnumerateArray().Select(h => h.GetString()));
        }

        // Alice's change left bob's file as it was.
        var bobAfterHisOwn = Snapshot(SettingsFile("bob"));
        Assert.True(users.SetPreference(alice, "e.example", PullPreference.Ignore));
        Assert.Equal(bobAfterHisOwn, Snapshot(SettingsFile("bob")));
        Assert.Equal(usersBefore, Snapshot(UsersFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SettingsFile("alice")));

        // The users file holds who the users are, not their settings.
        var text = File.ReadAllText(UsersFile);
        Assert.DoesNotContain("hashes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_file_of_the_first_layout_is_split_and_every_setting_kept()
    {
        var (plain, token) = (RecipientHash.NewRandom(), RecipientHash.NewRandom());
        var carolHash = RecipientHash.NewRandom();
        const string AliceToken = "tern_alice-first-layout-token";
        const string CarolToken = "tern_carol-first-layout-token";

        // As the directory wrote it before the split (version 1): every user's settings inside.
        File.WriteAllText(UsersFile, $$"""
            {
              "version": 1,
              "users": [
                {
                  "name": "alice",
                  "address": "alice@a.example",
                  "tokenSha256": "{{Sha256(AliceToken)}}",
                  "hashes": [ "{{plain}}", "{{token}}" ],
                  "hashDetails": { "{{token}}": { "kind": "token", "expiresMs": 1900000000000 } },
                  "preferences": { "c.example": "Immediately" },
                  "blocked": [ "d.example" ]
                },
                {
                  "name": "bob",
                  "address": "bob@a.example",
                  "tokenSha256": "{{Sha256("tern_bob-first-layout-token")}}",
                  "hashes": [],
                  "preferences": {},
                  "blocked": []
                },
                {
                  "name": "carol",
                  "address": "carol@a.example",
                  "tokenSha256": "{{Sha256(CarolToken)}}",
                  "hashes": [ "{{carolHash}}" ],
                  "preferences": {},
                  "blocked": [ "e.example" ]
                }
              ]
            }
            """);

        // A split that a crash cut short before the users file was replaced: the first layout's file still rules.
        Directory.CreateDirectory(_directory.File("users"));
        File.WriteAllText(SettingsFile("bob"), """{ "version": 1, "hashes": [], "preferences": { "stale.example": "Ignore" }, "blocked": [] }""");
        File.WriteAllText(SettingsFile("alice"), """{ "version": 1, "hashes": [], "preferences": {}, "blocked": [] }""");

        var table = new PullPreferenceTable();
        var users = new UserDirectory(UsersFile, table, maxHashes: 8, maxDomains: 8);
        AssertKept(users);
        Assert.Equal(PullPreference.Immediately, table.Lookup(plain, "c.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(token, "d.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(carolHash, "e.example"u8));

        // Split: the users file of version 2 without settings, a file for each user with settings, none for bob.
        using (var file = JsonDocument.Parse(File.ReadAllBytes(UsersFile)))
        {
            Assert.Equal(2, file.RootElement.GetProperty("version").GetInt32());
            Assert.All(file.RootElement.GetProperty("users").EnumerateArray(), u => Assert.False(u.TryGetProperty("hashes", out _)));
        }

        Assert.True(File.Exists(SettingsFile("alice")) && File.Exists(SettingsFile("carol")));
        Assert.False(File.Exists(SettingsFile("bob")));

        // What a restarted node reads: the same users and settings, from the new layout.
        var restarted = new PullPreferenceTable();
        AssertKept(new UserDirectory(UsersFile, restarted, maxHashes: 8, maxDomains: 8));
        Assert.Equal(PullPreference.Immediately, restarted.Lookup(plain, "c.example"u8));
        Assert.Equal(PullPreference.Ignore, restarted.Lookup(carolHash, "e.example"u8));

        void AssertKept(UserDirectory opened)
        {
            Assert.Equal(["alice", "bob", "carol"], opened.List().Select(u => u.Name));
            var alice = opened.Authenticate(AliceToken)!;
            Assert.Equal([(plain, RegisteredHash.Default), (token, new RegisteredHash(HashKinds.Token, 1_900_000_000_000))], opened.RegistrationsOf(alice));
            var settings = opened.SettingsOf(alice);
            Assert.Equal([new("c.example", PullPreference.Immediately)], settings.Preferences);
            Assert.Equal(["d.example"], settings.Blocked);
            Assert.Empty(opened.SettingsOf(opened.ByName("bob")!).Preferences);
            var carol = opened.Authenticate(CarolToken)!;
            Assert.Equal([carolHash], opened.HashesOf(carol));
            Assert.Equal("carol", opened.OwnerOf(carolHash));
        }
    }

    [Fact]
    public void A_user_added_by_another_process_is_seen_with_the_node_keeping_its_own_settings()
    {
        var node = new UserDirectory(UsersFile, new PullPreferenceTable(), maxHashes: 8, maxDomains: 8);
        var aliceToken = node.Add("alice", "alice@a.example").Token;
        var alice = node.Authenticate(aliceToken)!;
        var hash = RecipientHash.NewRandom();
        Assert.Equal(HashRegistration.Added, node.RegisterHash(alice, hash, RegisteredHash.Default));

        // `tern user add` and `tern user token` in another process.
        var bob = UserDirectory.Open(_directory.Path).Add("bob", "bob@a.example");
        var renewed = UserDirectory.Open(_directory.Path).IssueToken("alice");

        // A token the node does not know makes it read the users file again at once.
        var bobUser = node.Authenticate(bob.Token)!;
        Assert.Equal("bob", bobUser.Name);
        var again = node.Authenticate(renewed.Token)!;
        Assert.Null(node.Authenticate(aliceToken));
        Assert.Equal([hash], node.HashesOf(again));
        Assert.Equal(HashRegistration.TakenByOther, node.RegisterHash(bobUser, hash, RegisteredHash.Default));
        Assert.Equal(["alice", "bob"], UserDirectory.Open(_directory.Path).List().Select(u => u.Name));
        Assert.Equal(1, UserDirectory.Open(_directory.Path).List()[0].Hashes);
    }

    private static (DateTime Written, string Text) Snapshot(string path) => (File.GetLastWriteTimeUtc(path), File.ReadAllText(path));

    private static string Sha256(string token) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
