using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Registered hashes with a kind and an expiry (docs/C2S.md §10): kept in the users file, renewed by a second PUT, told
/// to the user's devices, gone for every route the moment they lapse and freed by the sweep; the per-user limit.
/// </summary>
public sealed class HashRegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-hashes");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_kind_and_expiry_are_kept_renewed_and_told_and_a_lapsed_hash_is_gone_for_every_route()
    {
        await using var a = await ApiNode.StartAsync("a.example", _directory.File("a"));
        await using var b = await ApiNode.StartAsync("b.example", _directory.File("b"));
        a.Introduce(b);
        var (alice, _) = a.AddUser("alice");
        var (bob, _) = b.AddUser("bob");
        var (plain, negotiated, token) = (Api.NewHash(), Api.NewHash(), Api.NewHash());
        var later = DateTimeOffset.UtcNow.AddDays(2);

        Assert.Equal(HttpStatusCode.Created, (await bob.PutAsync($"/v1/hashes/{plain}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Api.PutJsonAsync(bob, $"/v1/hashes/{negotiated}", new { kind = "negotiated", expires = Rfc3339(later) })).StatusCode);
        var registrations = await RegistrationsAsync(bob);
        Assert.Equal(("pairwise", (string?)null), registrations[plain]);
        Assert.Equal(("negotiated", Rfc3339(later)), registrations[negotiated]);

        // The same again changes nothing and tells nothing; a renewal changes the expiry and is told.
        var before = Last(await Api.JsonAsync(await bob.GetAsync("/v1/events")));
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, $"/v1/hashes/{negotiated}", new { kind = "negotiated", expires = Rfc3339(later) })).StatusCode);
        var renewed = later.AddDays(5);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, $"/v1/hashes/{negotiated}", new { kind = "negotiated", expires = Rfc3339(renewed) })).StatusCode);
        var told = (await Api.JsonAsync(await bob.GetAsync($"/v1/events?after={before}"))).GetProperty("events");
        var change = Assert.Single(told.EnumerateArray());
        Assert.Equal("hashes_changed", change.GetProperty("type").GetString());
        Assert.Equal(negotiated, change.GetProperty("hash").GetString());
        Assert.Equal(Rfc3339(renewed), change.GetProperty("expires").GetString());
        Assert.True(change.GetProperty("registered").GetBoolean());

        // A token registered for a few seconds: a reference filed under it while it lives, then it lapses.
        var lapses = DateTimeOffset.UtcNow.AddSeconds(4);
        Assert.Equal(HttpStatusCode.Created, (await Api.PutJsonAsync(bob, $"/v1/hashes/{token}", new { kind = "token", expires = Rfc3339(lapses) })).StatusCode);
        await Api.JsonAsync(await Api.SubmitAsync(alice, [1, 2], [$"{token}@b.example"]), HttpStatusCode.Created);
        string? capability = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var listed = (await Api.JsonAsync(await bob.GetAsync("/v1/references"))).GetProperty("references");
            capability = listed.GetArrayLength() == 1 ? listed[0].GetProperty("capability").GetString() : null;
            return capability is not null;
        }, TimeSpan.FromSeconds(20)));
        Assert.Equal(3, (await Api.JsonAsync(await bob.GetAsync("/v1/me"))).GetProperty("hashes").GetArrayLength());

        Assert.True(await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > lapses.AddMilliseconds(100), TimeSpan.FromSeconds(10)));
        Assert.False((await RegistrationsAsync(bob)).ContainsKey(token));
        Assert.DoesNotContain(token, (await Api.JsonAsync(await bob.GetAsync("/v1/me"))).GetProperty("hashes").EnumerateArray().Select(h => h.GetString()));
        await Api.ProblemAsync(await bob.GetAsync($"/v1/references?hash={token}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await Api.JsonAsync(await bob.GetAsync("/v1/references"))).GetProperty("references").GetArrayLength());
        await Api.ProblemAsync(await bob.PostAsJsonAsync($"/v1/references/{capability}/actions", new { action = "pull" }), HttpStatusCode.NotFound);
        await Api.ProblemAsync(await bob.GetAsync($"/v1/stored?hash={token}"), HttpStatusCode.NotFound);

        // A reference arriving under the lapsed hash is no longer bob's: no event tells it.
        var lapsedAt = Last(await Api.JsonAsync(await bob.GetAsync("/v1/events")));
        await Api.JsonAsync(await Api.SubmitAsync(alice, [3], [$"{token}@b.example"]), HttpStatusCode.Created);
        await Api.JsonAsync(await Api.SubmitAsync(alice, [4], [$"{plain}@b.example"]), HttpStatusCode.Created);
        Assert.True(await Eventually.TrueAsync(async () => (await Api.JsonAsync(await bob.GetAsync("/v1/references"))).GetProperty("references").GetArrayLength() == 1,
            TimeSpan.FromSeconds(20)));
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(b.Node.Pending.Count == 3), TimeSpan.FromSeconds(20)));
        var received = (await Api.JsonAsync(await bob.GetAsync($"/v1/events?after={lapsedAt}"))).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "received").ToList();
        Assert.Equal(plain, Assert.Single(received).GetProperty("hash").GetString());

        // Renewing it makes it bob's again: 204 while the minute's sweep has not freed it yet, 201 after.
        var renewal = (await Api.PutJsonAsync(bob, $"/v1/hashes/{token}", new { kind = "token", expires = Rfc3339(later) })).StatusCode;
        Assert.True(renewal is HttpStatusCode.NoContent or HttpStatusCode.Created, renewal.ToString());
        Assert.True((await RegistrationsAsync(bob)).ContainsKey(token));
    }

    [Fact]
    public async Task A_user_holds_at_most_the_configured_number_and_the_capabilities_say_so()
    {
        await using var node = await ApiNode.StartAsync("a.example", _directory.File("a"), new Dictionary<string, string?> { ["Tern:ClientApi:MaxHashesPerUser"] = "3" });
        var (alice, _) = node.AddUser("alice");
        var (carol, _) = node.AddUser("carol");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Api.PutJsonAsync(alice, $"/v1/hashes/{Api.NewHash()}", new { kind = "token" })).StatusCode);
        }

        var full = await Api.ProblemAsync(await alice.PutAsync($"/v1/hashes/{Api.NewHash()}", null), HttpStatusCode.Conflict);
        Assert.Equal("urn:tern:c2s:limit", full.GetProperty("type").GetString());
        Assert.Equal("hash", full.GetProperty("field").GetString());
        Assert.Equal(3, full.GetProperty("limit").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await carol.PutAsync($"/v1/hashes/{Api.NewHash()}", null)).StatusCode);
        Assert.Equal(3, (await Api.JsonAsync(await node.Http.GetAsync("/v1/capabilities"))).GetProperty("limits").GetProperty("maxHashesPerUser").GetInt32());

        Assert.Equal(10_000, new ClientApiOptions().MaxHashesPerUser);
    }

    [Fact]
    public void The_sweep_frees_lapsed_registrations_and_the_file_keeps_kinds_and_expiries()
    {
        var path = Path.Combine(_directory.Path, "users.json");
        var clock = new ManualClock(1_800_000_000_000);
        var table = new PullPreferenceTable();
        var users = new UserDirectory(path, table, maxHashes: 8, maxDomains: 8) { Time = clock };
        var aliceToken = users.Add("alice", "alice@a.example").Token;
        var alice = users.Authenticate(aliceToken)!;
        var carol = users.Authenticate(users.Add("carol", "carol@a.example").Token)!;
        var (kept, lapsing) = (RecipientHash.NewRandom(), RecipientHash.NewRandom());
        Assert.Equal(HashRegistration.Added, users.RegisterHash(alice, kept, new RegisteredHash(HashKinds.Introduction, null)));
        Assert.Equal(HashRegistration.Added, users.RegisterHash(alice, lapsing, new RegisteredHash(HashKinds.Token, clock.GetUtcNow().ToUnixTimeMilliseconds() + 60_000)));
        Assert.True(users.SetPreference(alice, "c.example", PullPreference.Immediately));
        Assert.Empty(users.RemoveExpiredHashes());

        // The file as a restarted node reads it.
        var reopened = new UserDirectory(path, null, maxHashes: 8, maxDomains: 8) { Time = clock };
        var again = reopened.Authenticate(aliceToken);
        Assert.Equal([(kept, new RegisteredHash(HashKinds.Introduction, null)), (lapsing, new RegisteredHash(HashKinds.Token, clock.GetUtcNow().ToUnixTimeMilliseconds() + 60_000))],
            reopened.RegistrationsOf(again!));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(users.Owns(alice, lapsing));
        Assert.Null(users.OwnerOf(lapsing));
        Assert.Equal([kept], users.HashesOf(alice));
        Assert.Equal(HashRegistration.TakenByOther, users.RegisterHash(carol, lapsing, RegisteredHash.Default));

        Assert.Equal([new ExpiredHash("alice", lapsing)], users.RemoveExpiredHashes());
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(lapsing, "c.example"u8));
        Assert.Equal(PullPreference.Immediately, table.Lookup(kept, "c.example"u8));
        Assert.Equal(HashRegistration.Added, users.RegisterHash(carol, lapsing, RegisteredHash.Default));
        Assert.Empty(users.RemoveExpiredHashes());
    }

    private static string Rfc3339(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Last(JsonElement events) => events.GetProperty("next").GetString()!;

    private static async Task<Dictionary<string, (string Kind, string? Expires)>> RegistrationsAsync(HttpClient client)
    {
        var list = await Api.JsonAsync(await client.GetAsync("/v1/hashes"));
        var hashes = list.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!).ToList();
        var registrations = list.GetProperty("registrations").EnumerateArray().ToList();
        Assert.Equal(hashes, registrations.Select(r => r.GetProperty("hash").GetString()));
        return registrations.ToDictionary(r => r.GetProperty("hash").GetString()!, r => (r.GetProperty("kind").GetString()!, r.GetProperty("expires").GetString()));
    }
}
