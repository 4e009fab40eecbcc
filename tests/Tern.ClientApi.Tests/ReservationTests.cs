using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Two-phase submission (docs/C2S.md §6) between two real nodes: reserve, upload in parts with replays and a gap,
/// send, replay the send; the recipient's node stores exactly the bytes uploaded, once.
/// </summary>
public sealed class ReservationTests() : TwoApiNodes("clientapi-reservations")
{
    [Fact]
    public async Task A_resumed_and_replayed_upload_is_stored_once_and_the_send_replays_without_a_second_message()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" });
        var blob = new byte[300_000];
        Random.Shared.NextBytes(blob);

        var reserved = await Api.JsonAsync(await alice.PostAsync("/v1/reservations", null), HttpStatusCode.Created);
        var id = reserved.GetProperty("messageId").GetString()!;
        Assert.Equal($"/v1/reservations/{id}/blob", reserved.GetProperty("upload").GetString());

        // Part 1, then the same part again (a replay after a lost answer), then a part that overlaps it.
        Assert.Equal(100_000, (await PutAsync(alice, id, blob, 0, 99_999)).GetProperty("received").GetInt64());
        Assert.Equal(100_000, (await PutAsync(alice, id, blob, 0, 99_999)).GetProperty("received").GetInt64());
        Assert.Equal(150_000, (await PutAsync(alice, id, blob, 50_000, 149_999)).GetProperty("received").GetInt64());

        // A part past what the node holds leaves a gap: refused, naming where to resume; nothing written.
        using (var gap = await alice.SendAsync(Part(id, blob, 200_000, 299_999)))
        {
            var problem = await Api.ProblemAsync(gap, HttpStatusCode.Conflict);
            Assert.Equal("urn:tern:c2s:upload-gap", problem.GetProperty("type").GetString());
            Assert.Equal(150_000, problem.GetProperty("limit").GetInt64());
            Assert.Equal("150000", gap.Headers.GetValues("Upload-Offset").Single());
        }

        // Sending before the declared total arrived is refused too.
        var early = await alice.PostAsJsonAsync($"/v1/reservations/{id}/send", new { to = new[] { $"{hash}@b.example" } });
        Assert.Equal("upload-incomplete", (await Api.ProblemAsync(early, HttpStatusCode.Conflict)).GetProperty("type").GetString()!["urn:tern:c2s:".Length..]);

        using (var head = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/reservations/{id}/blob")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("150000", head.Headers.GetValues("Upload-Offset").Single());
            Assert.Equal("300000", head.Headers.GetValues("Upload-Length").Single());
        }

        var done = await PutAsync(alice, id, blob, 150_000, 299_999);
        Assert.True(done.GetProperty("complete").GetBoolean());

        var sent = await Api.JsonAsync(await alice.PostAsJsonAsync($"/v1/reservations/{id}/send", new { to = new[] { $"{hash}@b.example" } }), HttpStatusCode.Created);
        Assert.Equal(id, sent.GetProperty("messageId").GetString());
        Assert.Equal(300_000, sent.GetProperty("size").GetInt64());
        var delivery = sent.GetProperty("deliveries")[0].GetProperty("deliveryId").GetString();

        // The send replayed: the same message and delivery, 200, nothing new. Other recipients: refused. The blob: frozen.
        var replayed = await alice.PostAsJsonAsync($"/v1/reservations/{id}/send", new { to = new[] { $"{hash}@b.example" } });
        var again = await Api.JsonAsync(replayed);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(delivery, again.GetProperty("deliveries")[0].GetProperty("deliveryId").GetString());
        var other = await alice.PostAsJsonAsync($"/v1/reservations/{id}/send", new { to = new[] { $"{Api.NewHash()}@b.example" } });
        await Api.ProblemAsync(other, HttpStatusCode.Conflict);
        await Api.ProblemAsync(await alice.SendAsync(Part(id, blob, 0, 99_999)), HttpStatusCode.Conflict);
        Assert.Single((await Api.JsonAsync(await alice.GetAsync("/v1/messages"))).GetProperty("messages").EnumerateArray());

        // Per-recipient status through the message routes; bob's node stored exactly the bytes, once.
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{id}"))).GetProperty("deliveries")[0].GetProperty("state").GetString() == "fetched",
            TimeSpan.FromSeconds(20)));

        // The sender marks the delivery fetched once it has served the blob; bob's node commits it a moment later.
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").GetArrayLength() > 0,
            TimeSpan.FromSeconds(20)));
        var stored = Assert.Single((await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").EnumerateArray());
        Assert.Equal(blob, await bob.GetByteArrayAsync($"/v1/stored/{stored.GetProperty("id").GetString()}"));
    }

    [Fact]
    public async Task A_whole_body_upload_replaces_and_an_unused_reservation_lapses()
    {
        var (alice, _) = A.AddUser("alice");
        var first = await Api.JsonAsync(await alice.PostAsync("/v1/reservations", null), HttpStatusCode.Created);
        var id = first.GetProperty("messageId").GetString()!;
        await Api.JsonAsync(await alice.PutAsync($"/v1/reservations/{id}/blob", new ByteArrayContent(new byte[10])));
        var replaced = await Api.JsonAsync(await alice.PutAsync($"/v1/reservations/{id}/blob", new ByteArrayContent(new byte[4])));
        Assert.Equal(4, replaced.GetProperty("received").GetInt64());
        Assert.True(replaced.GetProperty("complete").GetBoolean());

        var soon = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var lapsing = await Api.JsonAsync(await alice.PostAsJsonAsync("/v1/reservations", new { expires = soon }), HttpStatusCode.Created);
        var lapsingId = lapsing.GetProperty("messageId").GetString()!;
        await Api.JsonAsync(await alice.PutAsync($"/v1/reservations/{lapsingId}/blob", new ByteArrayContent([1, 2, 3])));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await Api.ProblemAsync(await alice.PutAsync($"/v1/reservations/{lapsingId}/blob", new ByteArrayContent([4])), HttpStatusCode.NotFound);
        await Api.ProblemAsync(await alice.PostAsJsonAsync($"/v1/reservations/{lapsingId}/send", new { to = new[] { $"{Api.NewHash()}@b.example" } }), HttpStatusCode.NotFound);

        // The next reservation sweeps it away with its upload; the first one (not lapsed) stays.
        await Api.JsonAsync(await alice.PostAsync("/v1/reservations", null), HttpStatusCode.Created);
        var files = Directory.GetFiles(Path.Combine(A.DataDirectory, "clientapi", "reservations")).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain($"{lapsingId}.part", files);
        Assert.DoesNotContain($"{lapsingId}.json", files);
        Assert.Contains($"{id}.part", files);

        // Deleting one abandons it.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/v1/reservations/{id}")).StatusCode);
        using var gone = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/reservations/{id}/blob"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static HttpRequestMessage Part(string id, byte[] blob, int first, int last)
    {
        var content = new ByteArrayContent(blob, first, last - first + 1);
        content.Headers.ContentRange = new ContentRangeHeaderValue(first, last, blob.Length);
        return new HttpRequestMessage(HttpMethod.Put, $"/v1/reservations/{id}/blob") { Content = content };
    }

    private static async Task<System.Text.Json.JsonElement> PutAsync(HttpClient client, string id, byte[] blob, int first, int last) =>
        await Api.JsonAsync(await client.SendAsync(Part(id, blob, first, last)));
}
