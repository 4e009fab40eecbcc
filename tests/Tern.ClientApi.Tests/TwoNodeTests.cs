using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tern.ClientApi.Routes;
using Tern.Engine.Protocol.Notification;

namespace Tern.ClientApi.Tests;

/// <summary>alice at a.example sends to bob at b.example over real UDP and the framed door; bob uses b.example's client API.</summary>
public sealed class TwoNodeTests() : TwoApiNodes("clientapi-two")
{
    [Fact]
    public async Task A_long_poll_is_woken_by_the_reference_that_arrives_and_returns_it()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        Assert.Equal(HttpStatusCode.Created, (await bob.PutAsync($"/v1/hashes/{hash}", null)).StatusCode);

        // Nothing yet: a poll without wait answers at once, empty.
        var empty = await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={hash}"));
        Assert.Empty(empty.GetProperty("references").EnumerateArray());

        var clock = Stopwatch.StartNew();
        var poll = bob.GetAsync($"/v1/references?hash={hash}&after={empty.GetProperty("next").GetString()}&wait=25");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, Encoding.UTF8.GetBytes("hello bob"), [$"{hash}@b.example"]), HttpStatusCode.Created);

        var page = await Api.JsonAsync(await poll);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the poll waited {clock.Elapsed} for a reference that arrived");
        var reference = Assert.Single(page.GetProperty("references").EnumerateArray());
        Assert.Equal("a.example", reference.GetProperty("senderDomain").GetString());
        Assert.Equal(9, reference.GetProperty("size").GetInt64());
        Assert.Equal(created.GetProperty("payloadHash").GetString(), reference.GetProperty("payloadHash").GetString());

        // The sender sees its notification went out.
        var id = created.GetProperty("messageId").GetString();
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{id}"))).GetProperty("deliveries")[0].GetProperty("notificationsSent").GetInt32() >= 1));
    }

    [Fact]
    public async Task Stored_messages_are_listed_read_streamed_and_deleted_once_the_node_pulled_them()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" })).StatusCode);

        var body = new byte[300_000];
        Random.Shared.NextBytes(body);
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, body, [$"{hash}@b.example"]), HttpStatusCode.Created);

        string? id = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var list = await Api.JsonAsync(await bob.GetAsync("/v1/stored"));
            id = list.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).FirstOrDefault();
            return id is not null;
        }, TimeSpan.FromSeconds(20)));

        Assert.Equal(body, await bob.GetByteArrayAsync($"/v1/stored/{id}"));
        var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{created.GetProperty("messageId").GetString()}"));
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{created.GetProperty("messageId").GetString()}"))).GetProperty("deliveries")[0].GetProperty("fetched").GetBoolean()));

        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync($"/v1/stored/{id}")).StatusCode);
        Assert.Empty((await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").EnumerateArray());
        await Api.ProblemAsync(await bob.GetAsync($"/v1/stored/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(StoredRoutes.WholeReadMaxBytes)]
    [InlineData(StoredRoutes.WholeReadMaxBytes + 1)]
    [InlineData(300_000)]
    public async Task A_stored_message_read_whole_or_streamed_answers_its_bytes_and_a_range_of_them(int size)
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" })).StatusCode);
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        await Api.JsonAsync(await Api.SubmitAsync(alice, body, [$"{hash}@b.example"]), HttpStatusCode.Created);

        string? id = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var list = await Api.JsonAsync(await bob.GetAsync("/v1/stored"));
            id = list.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).FirstOrDefault();
            return id is not null;
        }, TimeSpan.FromSeconds(20)));

        using (var whole = await bob.GetAsync($"/v1/stored/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal(size, whole.Content.Headers.ContentLength);
            Assert.Equal("application/octet-stream", whole.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", whole.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(body, await whole.Content.ReadAsByteArrayAsync());
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/stored/{id}");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 1999);
        using var part = await bob.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 1000-1999/{size}", part.Content.Headers.ContentRange?.ToString());
        Assert.Equal(body.AsSpan(1000, 1000).ToArray(), await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Bob_told_of_a_message_before_its_naming_reads_lists_labels_and_deletes_it_at_once()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" })).StatusCode);

        // b.example's store holds every naming (the .meta and the rename to .blob) until the end of the test.
        var naming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        B.Node.Messages.BeforeNaming = () =>
        {
            naming.TrySetResult();
            return release.Task;
        };

        try
        {
            using var stream = await SseReader.OpenAsync(bob, "/v1/events/stream");
            var body = new byte[3000];
            Random.Shared.NextBytes(body);
            await Api.JsonAsync(await Api.SubmitAsync(alice, body, [$"{hash}@b.example"]), HttpStatusCode.Created);
            string? id = null;
            while (id is null)
            {
                var next = await stream.NextAsync(TimeSpan.FromSeconds(20));
                Assert.NotNull(next);
                id = next.Value.Type == "pulled" ? System.Text.Json.JsonDocument.Parse(next.Value.Data).RootElement.GetProperty("id").GetString() : null;
            }

            await naming.Task;
            Assert.Equal(1, B.Node.Messages.Unnamed);
            Assert.Equal(body, await bob.GetByteArrayAsync($"/v1/stored/{id}"));
            var listed = Assert.Single((await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").EnumerateArray());
            Assert.Equal(id, listed.GetProperty("id").GetString());
            using (var patch = await bob.PatchAsJsonAsync($"/v1/stored/{id}", new { add = (List<string>)["work"], remove = (List<string>)[], read = true }))
            {
                Assert.Contains("work", (await Api.JsonAsync(patch)).GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            }

            Assert.Equal(1, B.Node.Messages.Unnamed);
            Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync($"/v1/stored/{id}")).StatusCode);
            await Api.ProblemAsync(await bob.GetAsync($"/v1/stored/{id}"), HttpStatusCode.NotFound);
            Assert.Empty((await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").EnumerateArray());
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task A_blocked_sender_domain_is_discarded_from_the_next_datagram_on_and_unblocking_lets_it_through()
    {
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.PutAsync("/v1/blocks/A.Example", null)).StatusCode);
        Assert.Equal(["a.example"], (await Api.JsonAsync(await bob.GetAsync("/v1/blocks"))).GetProperty("blocked").EnumerateArray().Select(e => e.GetString()));

        var ignoredBefore = B.Node.Ingest.Counters.Drops(DropReason.Ignored);
        await Api.JsonAsync(await Api.SubmitAsync(alice, [1], [$"{hash}@b.example"]), HttpStatusCode.Created);
        Assert.True(await Eventually.TrueAsync(() => B.Node.Ingest.Counters.Drops(DropReason.Ignored) > ignoredBefore, TimeSpan.FromSeconds(20)));
        Assert.Empty((await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={hash}"))).GetProperty("references").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync("/v1/blocks/a.example")).StatusCode);
        await Api.JsonAsync(await Api.SubmitAsync(alice, [2], [$"{hash}@b.example"]), HttpStatusCode.Created);
        var page = await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={hash}&wait=20"));
        Assert.Single(page.GetProperty("references").EnumerateArray());
    }
}
