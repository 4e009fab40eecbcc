using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

/// <summary>
/// <c>GET /v1/references</c> without <c>hash</c> (docs/C2S.md §7): the pending references of all the user's hashes in the
/// order their event log told them, paged by the log's sequence, long-polled on anything filed under any of them, and only
/// ever the caller's.
/// </summary>
public sealed class AllReferencesTests() : TwoApiNodes("clientapi-allrefs")
{
    [Fact]
    public async Task Lists_every_hash_in_arrival_order_pages_by_the_log_wakes_on_any_hash_and_drops_what_left()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var (eve, _) = B.AddUser("eve");
        var (first, second, late) = (Api.NewHash(), Api.NewHash(), Api.NewHash());
        Assert.Equal(HttpStatusCode.Created, (await bob.PutAsync($"/v1/hashes/{first}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Api.PutJsonAsync(bob, $"/v1/hashes/{second}", new { kind = "negotiated" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await eve.PutAsync($"/v1/hashes/{Api.NewHash()}", null)).StatusCode);

        // Three messages, one at a time so that their order is the order they are filed: first, second, first.
        var sent = new List<string>();
        foreach (var hash in new[] { first, second, first })
        {
            await SendAsync(alice, hash);
            sent.Add(hash);
            Assert.True(await Eventually.TrueAsync(async () => (await ListAsync(bob, "")).References.Count == sent.Count, TimeSpan.FromSeconds(20)));
        }

        var all = await ListAsync(bob, "");
        Assert.Null(all.Root.GetProperty("hash").GetString());
        Assert.Equal(sent, all.References.Select(r => r.GetProperty("hash").GetString()));
        Assert.False(all.Root.GetProperty("more").GetBoolean());
        var capabilities = all.References.Select(r => r.GetProperty("capability").GetString()!).ToList();
        Assert.Equal(3, capabilities.Distinct().Count());

        // Each is the reference the poll by hash gives, field for field but the cursor's meaning.
        var byHash = (await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={second}"))).GetProperty("references")[0];
        Assert.Equal(byHash.GetRawText(), all.References[1].GetRawText());

        // Pages: two, then the third after the cursor; a cursor at the end gives nothing more.
        var page = await ListAsync(bob, "&limit=2");
        Assert.Equal(capabilities[..2], page.References.Select(r => r.GetProperty("capability").GetString()));
        Assert.True(page.Root.GetProperty("more").GetBoolean());
        var rest = await ListAsync(bob, $"&after={page.Next}");
        Assert.Equal(capabilities[2..], rest.References.Select(r => r.GetProperty("capability").GetString()));
        var end = await ListAsync(bob, $"&after={rest.Next}");
        Assert.Empty(end.References);

        // Another user sees none of it; their own listing is empty.
        var eves = await ListAsync(eve, "");
        Assert.Empty(eves.References);
        Assert.DoesNotContain(capabilities[0], eves.Root.GetRawText(), StringComparison.Ordinal);

        // A long poll at the end wakes on a reference under either hash: the second hash here.
        var held = bob.GetAsync($"/v1/references?after={end.Next}&wait=25");
        await Task.Delay(200);
        Assert.False(held.IsCompleted);
        await SendAsync(alice, second);
        var woken = await ReadAsync(await held);
        var arrived = Assert.Single(woken.References);
        Assert.Equal(second, arrived.GetProperty("hash").GetString());
        capabilities.Add(arrived.GetProperty("capability").GetString()!);

        // A reference that waited under a hash before bob registered it is in his log and his listing once he does.
        await SendAsync(alice, late);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(B.Node.Pending.Count == 5), TimeSpan.FromSeconds(20)));
        Assert.Equal(HttpStatusCode.Created, (await Api.PutJsonAsync(bob, $"/v1/hashes/{late}", new { kind = "introduction" })).StatusCode);
        var afterRegistration = await ListAsync(bob, $"&after={woken.Next}");
        Assert.Equal(late, Assert.Single(afterRegistration.References).GetProperty("hash").GetString());
        var events = (await Api.JsonAsync(await bob.GetAsync($"/v1/events?after={woken.Next}"))).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["hashes_changed", "received"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("introduction", events[0].GetProperty("kind").GetString());

        // What is ignored, or no longer one of bob's hashes, leaves the listing; the rest stays in order.
        await Api.JsonAsync(await bob.PostAsJsonAsync($"/v1/references/{capabilities[0]}/actions", new { action = "ignore" }));
        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync($"/v1/hashes/{second}")).StatusCode);
        var left = await ListAsync(bob, "");
        Assert.Equal([first, late], left.References.Select(r => r.GetProperty("hash").GetString()));
        Assert.Equal(capabilities[2], left.References[0].GetProperty("capability").GetString());

        // The same as MessagePack.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/references");
        request.Headers.Accept.ParseAdd("application/msgpack");
        var packed = await bob.SendAsync(request);
        Assert.Equal("application/msgpack", packed.Content.Headers.ContentType?.MediaType);
    }

    private static async Task SendAsync(HttpClient sender, string hash) =>
        await Api.JsonAsync(await Api.SubmitAsync(sender, [1, 2, 3], [$"{hash}@b.example"]), HttpStatusCode.Created);

    private static async Task<Listing> ListAsync(HttpClient client, string query) =>
        await ReadAsync(await client.GetAsync("/v1/references?" + query.TrimStart('&')));

    private static async Task<Listing> ReadAsync(HttpResponseMessage response)
    {
        var root = await Api.JsonAsync(response);
        return new Listing(root, [.. root.GetProperty("references").EnumerateArray()], root.GetProperty("next").GetString()!);
    }

    private sealed record Listing(JsonElement Root, List<JsonElement> References, string Next);
}
