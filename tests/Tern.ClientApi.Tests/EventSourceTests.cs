using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Every event kind of docs/C2S.md §15 is appended from where it happens, on two real nodes: <c>received</c> once per
/// reference, <c>retracted</c> before and after the fetch, <c>expired</c> from the pending table's sweep, <c>ignored</c>
/// (its own removal reason, counted apart from expiry), <c>delivery_changed</c> in the sender's log, and
/// <c>key_changed</c> for a publish, a rotation and a revocation.
/// </summary>
public sealed class EventSourceTests() : TwoApiNodes("clientapi-event-sources")
{
    [Fact]
    public async Task Retraction_pull_ignore_and_expiry_each_reach_the_recipients_log_and_the_senders_deliveries_reach_hers()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hashes = Enumerable.Range(0, 4).Select(_ => Api.NewHash()).ToArray();
        foreach (var hash in hashes)
        {
            Assert.Equal(HttpStatusCode.Created, (await bob.PutAsync($"/v1/hashes/{hash}", null)).StatusCode);
        }

        var (carol, _) = B.AddUser("carol");
        Assert.Equal(HttpStatusCode.Created, (await carol.PutAsync($"/v1/hashes/{Api.NewHash()}", null)).StatusCode);
        var bobs = new EventReader(bob);
        var alices = new EventReader(alice);
        await bobs.SkipAsync(4);

        // Retracted before a fetch: bob's reference goes, alice's delivery says so.
        var (first, firstDelivery) = await SubmitAsync(alice, hashes[0]);
        var received = await bobs.NextAsync("received");
        Assert.Equal(hashes[0], received.GetProperty("hash").GetString());
        var capability = received.GetProperty("capability").GetString();
        await alice.DeleteAsync($"/v1/messages/{first}");
        var retracted = await bobs.NextAsync("retracted");
        Assert.Equal(capability, retracted.GetProperty("capability").GetString());
        Assert.False(retracted.GetProperty("afterFetch").GetBoolean());
        var withdrawn = await alices.NextAsync("delivery_changed");
        Assert.Equal((first, firstDelivery, "retracted"), (withdrawn.GetProperty("messageId").GetString(), withdrawn.GetProperty("deliveryId").GetString(), withdrawn.GetProperty("state").GetString()));

        // Pulled at bob's request: fetched in alice's log; her retraction after it asks bob's client (afterFetch).
        var (second, secondDelivery) = await SubmitAsync(alice, hashes[1]);
        var secondCapability = (await bobs.NextAsync("received")).GetProperty("capability").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostAsJsonAsync($"/v1/references/{secondCapability}/actions", new { action = "pull" })).StatusCode);
        Assert.Equal(secondCapability, (await bobs.NextAsync("pulled")).GetProperty("id").GetString());
        var fetched = await alices.NextAsync("delivery_changed");
        Assert.Equal((second, secondDelivery, "fetched"), (fetched.GetProperty("messageId").GetString(), fetched.GetProperty("deliveryId").GetString(), fetched.GetProperty("state").GetString()));
        await alice.DeleteAsync($"/v1/messages/{second}");
        var afterFetch = await bobs.NextAsync("retracted");
        Assert.Equal(secondCapability, afterFetch.GetProperty("capability").GetString());
        Assert.True(afterFetch.GetProperty("afterFetch").GetBoolean());

        // Expired unpulled: the pending table's sweep (as the node's expiry stage runs it) tells bob's log. (A month on, it also
        // drops the tombstones of the references before, which no sender retransmits.)
        await SubmitAsync(alice, hashes[3]);
        var fourthCapability = (await bobs.NextAsync("received")).GetProperty("capability").GetString();
        Assert.Equal(1, B.Node.Pending.SweepExpired(DateTimeOffset.UtcNow.AddDays(31).ToUnixTimeMilliseconds()));
        Assert.Equal(fourthCapability, (await bobs.NextAsync("expired")).GetProperty("capability").GetString());

        // Ignored: its own event and its own removal reason, not an expiry.
        await SubmitAsync(alice, hashes[2]);
        var thirdCapability = (await bobs.NextAsync("received")).GetProperty("capability").GetString();
        var expiredBefore = B.Node.Pending.RemovedCount(PendingRemoval.Expired);
        await Api.JsonAsync(await bob.PostAsJsonAsync($"/v1/references/{thirdCapability}/actions", new { action = "ignore" }));
        Assert.Equal(thirdCapability, (await bobs.NextAsync("ignored")).GetProperty("capability").GetString());
        Assert.Equal(1, B.Node.Pending.RemovedCount(PendingRemoval.Ignored));
        Assert.Equal(expiredBefore, B.Node.Pending.RemovedCount(PendingRemoval.Expired));

        // Nothing was told twice: one received per reference, one retracted per notice however often it was retransmitted.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var all = await bobs.AllAsync();
        Assert.Equal(4, all.Count(e => e.GetProperty("type").GetString() == "received"));
        Assert.Equal(4, all.Where(e => e.GetProperty("type").GetString() == "received").Select(e => e.GetProperty("capability").GetString()).Distinct().Count());
        Assert.Equal(2, all.Count(e => e.GetProperty("type").GetString() == "retracted"));
        Assert.DoesNotContain(await alices.AllAsync(), e => e.GetProperty("type").GetString() is "received" or "pulled");

        // Nobody else's log was touched: carol, on bob's node, has her own registration only.
        Assert.Equal(["hashes_changed"], (await new EventReader(carol).AllAsync()).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Publishing_rotating_and_revoking_the_users_record_are_key_changed_events_with_the_fingerprints()
    {
        var (bob, _) = B.AddUser("dave");
        var events = new EventReader(bob);
        var published = await Api.JsonAsync(await bob.PostAsJsonAsync("/v1/keys", new { signingKey = Api.NewHash(), agreementKey = Api.NewHash() }), HttpStatusCode.Created);
        var first = await events.NextAsync("key_changed");
        Assert.Equal(published.GetProperty("fingerprint").GetString(), first.GetProperty("fingerprint").GetString());
        Assert.Equal("published", first.GetProperty("reason").GetString());
        Assert.False(first.TryGetProperty("previous", out _));

        var rotated = await Api.JsonAsync(await bob.PostAsJsonAsync("/v1/keys/rotate", new { signingKey = Api.NewHash(), agreementKey = Api.NewHash() }));
        var second = await events.NextAsync("key_changed");
        Assert.Equal(rotated.GetProperty("fingerprint").GetString(), second.GetProperty("fingerprint").GetString());
        Assert.Equal(first.GetProperty("fingerprint").GetString(), second.GetProperty("previous").GetString());
        Assert.Equal("superseded", second.GetProperty("reason").GetString());

        await Api.JsonAsync(await bob.PostAsJsonAsync("/v1/keys/revoke", new { reason = "retired" }));
        var third = await events.NextAsync("key_changed");
        Assert.False(third.TryGetProperty("fingerprint", out _));
        Assert.Equal(second.GetProperty("fingerprint").GetString(), third.GetProperty("previous").GetString());
        Assert.Equal("retired", third.GetProperty("reason").GetString());
    }

    private static async Task<(string MessageId, string DeliveryId)> SubmitAsync(HttpClient alice, string hash)
    {
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, [1, 2, 3, 4], [$"{hash}@b.example"]), HttpStatusCode.Created);
        return (created.GetProperty("messageId").GetString()!, created.GetProperty("deliveries")[0].GetProperty("deliveryId").GetString()!);
    }

    /// <summary>Reads one user's log from its start by long poll, event by event.</summary>
    private sealed class EventReader(HttpClient client)
    {
        private static readonly string[] Followed = ["received", "retracted", "expired", "ignored", "pulled", "delivery_changed", "key_changed"];
        private readonly Queue<JsonElement> _buffered = new();
        private string _cursor = "0";

        public async Task SkipAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await NextAsync(null);
            }
        }

        /// <summary>The next event, which must be of <paramref name="type"/> once events of other types the test does not follow are passed.</summary>
        public async Task<JsonElement> NextAsync(string? type)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                while (_buffered.TryDequeue(out var e))
                {
                    if (type is null || e.GetProperty("type").GetString() == type)
                    {
                        return e;
                    }

                    // Only the other side's bookkeeping may come between: never another kind this test waits for.
                    Assert.DoesNotContain(e.GetProperty("type").GetString(), Followed);
                }

                var page = await Api.JsonAsync(await client.GetAsync($"/v1/events?after={_cursor}&wait=5"));
                foreach (var e in page.GetProperty("events").EnumerateArray())
                {
                    _buffered.Enqueue(e.Clone());
                }

                _cursor = page.GetProperty("next").GetString()!;
            }

            throw new TimeoutException($"no {type} event within 30 s");
        }

        public async Task<List<JsonElement>> AllAsync()
        {
            var page = await Api.JsonAsync(await client.GetAsync("/v1/events?after=0&limit=1000"));
            return [.. page.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
        }
    }
}
