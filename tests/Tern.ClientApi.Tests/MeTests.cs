using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

/// <summary><c>GET /v1/me</c> (docs/C2S.md §14): the user's devices not revoked and the fingerprint the domain publishes for them now.</summary>
public sealed class MeTests : IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-me");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Me_counts_devices_not_revoked_and_follows_the_published_fingerprint()
    {
        await using var node = await ApiNode.StartAsync("a.example", _directory.Path);
        var (alice, _) = node.AddUser("alice");
        var (mallory, _) = node.AddUser("mallory");

        var me = await MeAsync(alice);
        Assert.Equal("alice@a.example", me.GetProperty("address").GetString());
        Assert.Equal(1, me.GetProperty("devices").GetInt32());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("fingerprint").ValueKind);

        var (phone, _, _) = await Devices.EnrolAsync(node, alice, "phone");
        await Devices.EnrolAsync(node, alice, "laptop");
        Assert.Equal(3, (await MeAsync(alice)).GetProperty("devices").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/v1/devices/{phone}")).StatusCode);
        Assert.Equal(2, (await MeAsync(alice)).GetProperty("devices").GetInt32());

        var published = await Api.JsonAsync(await alice.PostAsJsonAsync("/v1/keys", new { signingKey = Api.NewHash(), agreementKey = Api.NewHash() }), HttpStatusCode.Created);
        var first = published.GetProperty("fingerprint").GetString();
        Assert.Equal(first, (await MeAsync(alice)).GetProperty("fingerprint").GetString());

        var rotated = await Api.JsonAsync(await alice.PostAsJsonAsync("/v1/keys/rotate", new { signingKey = Api.NewHash(), agreementKey = Api.NewHash() }));
        var second = rotated.GetProperty("fingerprint").GetString();
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await MeAsync(alice)).GetProperty("fingerprint").GetString());

        // Another user's answer is their own: one device, no fingerprint, nothing of alice's.
        var theirs = await MeAsync(mallory);
        Assert.Equal(1, theirs.GetProperty("devices").GetInt32());
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("fingerprint").ValueKind);
        Assert.DoesNotContain(second!, theirs.GetRawText(), StringComparison.Ordinal);

        await Api.JsonAsync(await alice.PostAsJsonAsync("/v1/keys/revoke", new { reason = "compromised" }));
        Assert.Equal(JsonValueKind.Null, (await MeAsync(alice)).GetProperty("fingerprint").ValueKind);
    }

    private static async Task<JsonElement> MeAsync(HttpClient client) => await Api.JsonAsync(await client.GetAsync("/v1/me"));
}
