using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

/// <summary>
/// The event log over HTTP on real nodes (docs/C2S.md §9, §11, §15): two devices of one user converge through the log and
/// through SSE; a cut stream resumes by cursor; events follow a message from the ingest to the store and its labels.
/// </summary>
public sealed class EventRouteTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-events");
    private ApiNode _a = null!;
    private ApiNode _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"));
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"), new Dictionary<string, string?> { ["Tern:ClientApi:MaxEventStreamLag"] = "20" });
        _a.Introduce(_b);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Two_devices_converge_through_the_log_and_the_stream_from_ingest_to_pull_to_labels()
    {
        var (alice, _) = _a.AddUser("alice");
        var (laptop, phone) = await Devices.TwoDevicesAsync(_b, "bob");
        var hash = Api.NewHash();

        // The phone follows the stream from the start; the laptop makes the changes.
        using var stream = await SseReader.OpenAsync(phone, "/v1/events/stream");
        Assert.Equal(HttpStatusCode.Created, (await laptop.PutAsync($"/v1/hashes/{hash}", null)).StatusCode);
        await Api.PutJsonAsync(laptop, "/v1/preferences/a.example", new { pull = "immediately" });
        await Api.JsonAsync(await Api.SubmitAsync(alice, [1, 2, 3, 4], [$"{hash}@b.example"]), HttpStatusCode.Created);

        var seen = new List<(string Id, string Type, JsonElement Data)>();
        while (!seen.Any(e => e.Type == "pulled"))
        {
            var next = await stream.NextAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(next);
            seen.Add((next.Value.Id, next.Value.Type, JsonDocument.Parse(next.Value.Data).RootElement.Clone()));
        }

        var types = seen.Select(e => e.Type).Where(t => t is "hashes_changed" or "received" or "pulled").ToList();
        Assert.Equal(["hashes_changed", "received", "pulled"], types);
        var received = seen.Single(e => e.Type == "received").Data;
        Assert.Equal(hash, received.GetProperty("hash").GetString());
        Assert.Equal("a.example", received.GetProperty("senderDomain").GetString());
        Assert.Equal(4, received.GetProperty("size").GetInt64());
        var pulled = seen.Single(e => e.Type == "pulled").Data;
        var id = pulled.GetProperty("id").GetString()!;
        Assert.Equal(received.GetProperty("capability").GetString(), id);
        Assert.Equal(["inbox"], pulled.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        foreach (var (eventId, _, data) in seen)
        {
            Assert.Equal(eventId, data.GetProperty("sequence").GetString());
        }

        // The laptop labels; the phone's poll after its cursor sees exactly that change, and so does its stream.
        var cursor = seen[^1].Id;
        using (var patch = await laptop.PatchAsJsonAsync($"/v1/stored/{id}", new LabelChangeBody(["work", "projects/tern"], ["inbox"], true)))
        {
            var item = await Api.JsonAsync(patch);
            Assert.Equal(["projects/tern", "work"], item.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        }

        var poll = await Api.JsonAsync(await phone.GetAsync($"/v1/events?after={cursor}&wait=10"));
        var change = Assert.Single(poll.GetProperty("events").EnumerateArray());
        Assert.Equal("labels_changed", change.GetProperty("type").GetString());
        Assert.True(change.GetProperty("read").GetBoolean());
        Assert.Equal(["projects/tern", "work"], change.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var pushed = await stream.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(change.GetProperty("sequence").GetString(), pushed!.Value.Id);
        Assert.Equal("labels_changed", pushed.Value.Type);

        // Both devices' views now agree: by label, with paging, and the label counts.
        var work = await Api.JsonAsync(await phone.GetAsync("/v1/stored?label=work&limit=1"));
        Assert.Equal(id, Assert.Single(work.GetProperty("messages").EnumerateArray()).GetProperty("id").GetString());
        Assert.False(work.GetProperty("more").GetBoolean());
        Assert.Empty((await Api.JsonAsync(await laptop.GetAsync("/v1/stored?label=inbox"))).GetProperty("messages").EnumerateArray());
        var labels = await Api.JsonAsync(await phone.GetAsync("/v1/labels"));
        Assert.Equal(["projects/tern", "work"], labels.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()));

        // Removing a label everywhere, then deleting the message: each an event both see.
        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync("/v1/labels/work")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync($"/v1/stored/{id}")).StatusCode);
        var tail = await Api.JsonAsync(await phone.GetAsync($"/v1/events?after={change.GetProperty("sequence").GetString()}"));
        Assert.Equal(["labels_changed", "deleted"], tail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["projects/tern"], tail.GetProperty("events")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("labels_changed", (await stream.NextAsync(TimeSpan.FromSeconds(10)))!.Value.Type);
        Assert.Equal("deleted", (await stream.NextAsync(TimeSpan.FromSeconds(10)))!.Value.Type);
    }

    [Fact]
    public async Task A_stream_that_falls_too_far_behind_is_cut_with_its_cursor_and_resumes_from_it_missing_nothing()
    {
        var (client, _) = _b.AddUser("carol");
        var hashes = Enumerable.Range(0, 30).Select(_ => Api.NewHash()).ToList();
        foreach (var hash in hashes)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/v1/hashes/{hash}", null)).StatusCode);
        }

        // 30 events behind with a bound of 20: the server says where to resume and ends the stream, holding nothing.
        using (var lagging = await SseReader.OpenAsync(client, "/v1/events/stream?after=0"))
        {
            var cut = await lagging.NextAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("cut", cut!.Value.Type);
            using var data = JsonDocument.Parse(cut.Value.Data);
            Assert.Equal("0", data.RootElement.GetProperty("next").GetString());
            Assert.Null(await lagging.NextAsync(TimeSpan.FromSeconds(10)));
        }

        // Catch up by pages, then resume the stream from the cursor with Last-Event-ID.
        var first = await Api.JsonAsync(await client.GetAsync("/v1/events?after=0&limit=25"));
        Assert.True(first.GetProperty("more").GetBoolean());
        var next = first.GetProperty("next").GetString();
        Assert.Equal("25", next);
        using var resumed = await SseReader.OpenAsync(client, "/v1/events/stream", lastEventId: next);
        var got = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var e = await resumed.NextAsync(TimeSpan.FromSeconds(10));
            got.Add(e!.Value.Id);
            Assert.Equal(hashes[25 + i], JsonDocument.Parse(e.Value.Data).RootElement.GetProperty("hash").GetString());
        }

        Assert.Equal(["26", "27", "28", "29", "30"], got);

        // A new event reaches the open stream at once.
        var late = Api.NewHash();
        await client.PutAsync($"/v1/hashes/{late}", null);
        var pushed = await resumed.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("31", pushed!.Value.Id);
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_and_a_busy_one_leaves_no_timer_behind_per_event()
    {
        var directory = _directory.File("heartbeat");
        await using var node = await ApiNode.StartAsync("h.example", directory, new Dictionary<string, string?> { ["Tern:ClientApi:EventStreamHeartbeat"] = "00:00:00.200" });
        var (client, _) = node.AddUser("dave");
        using (var idle = await SseReader.OpenAsync(client, "/v1/events/stream"))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle.NextAsync(TimeSpan.FromSeconds(1.5)));
            Assert.True(idle.Comments >= 3, $"{idle.Comments} comment lines in 1.5 s at a heartbeat of 0.2 s (the opening one and the heartbeats)");
        }

        // On _b the heartbeat is the default 25 s. Each wait for the next event had a timer of its own beside it that
        // stayed queued for the whole heartbeat after the event came: one more active timer in the process an event.
        var (busy, _) = _b.AddUser("erin");
        using var stream = await SseReader.OpenAsync(busy, "/v1/events/stream");
        const int Events = 120;
        var before = Timer.ActiveCount;
        for (var i = 0; i < Events; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await busy.PutAsync($"/v1/hashes/{Api.NewHash()}", null)).StatusCode);
            Assert.NotNull(await stream.NextAsync(TimeSpan.FromSeconds(10)));
        }

        var added = Timer.ActiveCount - before;
        Assert.True(added < Events / 2, $"{added} more active timers after {Events} events on one stream");
    }

    [Fact]
    public async Task Cursors_and_limits_are_checked_and_a_cursor_past_the_log_is_gone()
    {
        var (client, _) = _b.AddUser("dave");
        await client.PutAsync($"/v1/hashes/{Api.NewHash()}", null);
        Assert.Equal("after", (await Api.ProblemAsync(await client.GetAsync("/v1/events?after=-1"), HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        Assert.Equal(1000, (await Api.ProblemAsync(await client.GetAsync("/v1/events?limit=1001"), HttpStatusCode.BadRequest)).GetProperty("limit").GetInt32());
        Assert.Equal("wait", (await Api.ProblemAsync(await client.GetAsync("/v1/events?wait=31"), HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        var gone = await Api.ProblemAsync(await client.GetAsync("/v1/events?after=2"), HttpStatusCode.Gone);
        Assert.Equal("urn:tern:c2s:cursor-expired", gone.GetProperty("type").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        request.Headers.Add("Last-Event-ID", "99");
        Assert.Equal("Last-Event-ID", (await Api.ProblemAsync(await client.SendAsync(request), HttpStatusCode.Gone)).GetProperty("field").GetString());

        // An empty long poll waits, then answers nothing new with the same cursor.
        var started = DateTime.UtcNow;
        var empty = await Api.JsonAsync(await client.GetAsync("/v1/events?after=1&wait=1"));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900));
        Assert.Empty(empty.GetProperty("events").EnumerateArray());
        Assert.Equal("1", empty.GetProperty("next").GetString());
    }

    private sealed record LabelChangeBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("add")] List<string> Add,
        [property: System.Text.Json.Serialization.JsonPropertyName("remove")] List<string> Remove,
        [property: System.Text.Json.Serialization.JsonPropertyName("read")] bool Read);
}
