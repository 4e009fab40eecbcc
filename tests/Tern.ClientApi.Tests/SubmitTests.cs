using System.Net;
using System.Text;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

public sealed class SubmitTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-submit");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Submit_answers_a_message_id_and_a_delivery_per_recipient_and_status_shows_each()
    {
        var (alice, _) = _node.AddUser("alice");
        string[] to = [$"{Api.NewHash()}@b.example", $"{Api.NewHash()}@c.example"];
        var body = Encoding.UTF8.GetBytes("ciphertext, as far as the node knows");
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, body, to, query: "&mime=text%2Fplain"), HttpStatusCode.Created);

        var id = created.GetProperty("messageId").GetString()!;
        Assert.Equal(body.Length, created.GetProperty("size").GetInt64());
        var deliveries = created.GetProperty("deliveries").EnumerateArray().ToArray();
        Assert.Equal(to, deliveries.Select(d => d.GetProperty("to").GetString()));
        Assert.Equal(2, deliveries.Select(d => d.GetProperty("deliveryId").GetString()).Distinct().Count());

        var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{id}"));
        Assert.Equal("text/plain", status.GetProperty("mimeHint").GetString());
        foreach (var delivery in status.GetProperty("deliveries").EnumerateArray())
        {
            Assert.Equal("pending", delivery.GetProperty("state").GetString());
            Assert.False(delivery.GetProperty("fetched").GetBoolean());
        }

        // The bytes are in the transit store, charged to alice.
        Assert.Equal(body.Length, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task The_submits_answer_carries_its_length_and_is_not_chunked_so_it_leaves_in_one_send()
    {
        var (alice, _) = _node.AddUser("alice");
        using var response = await Api.SubmitAsync(alice, Encoding.UTF8.GetBytes("one small message"), [$"{Api.NewHash()}@b.example"]);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(bytes);
        Assert.Equal(17, json.RootElement.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task A_retried_submit_with_its_idempotency_key_returns_the_first_answer_and_stores_nothing_twice_even_after_a_restart()
    {
        var (alice, token) = _node.AddUser("alice");
        string[] to = [$"{Api.NewHash()}@b.example"];
        var body = new byte[10_000];
        Random.Shared.NextBytes(body);
        var first = await Api.JsonAsync(await Api.SubmitAsync(alice, body, to, "retry-1"), HttpStatusCode.Created);
        var second = await Api.SubmitAsync(alice, body, to, "retry-1");
        var replay = await Api.JsonAsync(second, HttpStatusCode.Created);
        Assert.Equal(first.ToString(), replay.ToString());
        Assert.True(second.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal(body.Length, _node.Node.Store.GetAccountStats("alice").LiveBytes);

        // The same key for another message is refused, and stores nothing.
        var other = await Api.SubmitAsync(alice, body, [$"{Api.NewHash()}@b.example"], "retry-1");
        var problem = await Api.ProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());

        await _node.DisposeAsync();
        _node = await ApiNode.StartAsync("a.example", _directory.Path);
        using var again = _node.ClientFor(token.Token);
        var afterRestart = await Api.JsonAsync(await Api.SubmitAsync(again, body, to, "retry-1"), HttpStatusCode.Created);
        Assert.Equal(first.ToString(), afterRestart.ToString());
        var list = await Api.JsonAsync(await again.GetAsync("/v1/messages"));
        Assert.Single(list.GetProperty("messages").EnumerateArray());
        Assert.Equal(body.Length, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task Retract_withdraws_the_pending_deliveries_and_status_says_so()
    {
        var (alice, _) = _node.AddUser("alice");
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, [1, 2, 3], [$"{Api.NewHash()}@b.example"]), HttpStatusCode.Created);
        var id = created.GetProperty("messageId").GetString();
        var deliveryId = created.GetProperty("deliveries")[0].GetProperty("deliveryId").GetString();

        var retracted = await Api.JsonAsync(await alice.DeleteAsync($"/v1/messages/{id}"));
        Assert.Equal([deliveryId], retracted.GetProperty("retracted").EnumerateArray().Select(e => e.GetString()));
        var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{id}"));
        Assert.Equal("retracted", status.GetProperty("deliveries")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Bodies_beyond_the_limit_are_refused_naming_it_whether_declared_or_streamed_and_nothing_is_stored()
    {
        await _node.DisposeAsync();
        _node = await ApiNode.StartAsync("a.example", _directory.Path, new Dictionary<string, string?> { ["Tern:ClientApi:MaxMessageBytes"] = "65536" });
        var (alice, _) = _node.AddUser("alice");
        string[] to = [$"{Api.NewHash()}@b.example"];

        var declared = await Api.ProblemAsync(await Api.SubmitAsync(alice, new byte[65537], to), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", declared.GetProperty("field").GetString());
        Assert.Equal(65536, declared.GetProperty("limit").GetInt64());

        // Chunked: the length is known only at the end, and the stream is cut there.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/messages?to={Uri.EscapeDataString(to[0])}")
        {
            Content = new StreamContent(new GeneratedStream(200_000)),
        };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await Api.ProblemAsync(await alice.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(65536, streamed.GetProperty("limit").GetInt64());

        Assert.Equal(0, _node.Node.Store.GetAccountStats("alice").LiveBytes);
        Assert.Empty((await Api.JsonAsync(await alice.GetAsync("/v1/messages"))).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task The_bulk_answers_come_as_MessagePack_when_asked_with_the_same_content_as_the_JSON()
    {
        var (alice, _) = _node.AddUser("alice");
        await Api.JsonAsync(await Api.SubmitAsync(alice, [9], [$"{Api.NewHash()}@b.example"]), HttpStatusCode.Created);
        var json = await Api.JsonAsync(await alice.GetAsync("/v1/messages"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages");
        request.Headers.Accept.ParseAdd("application/msgpack");
        var response = await alice.SendAsync(request);
        Assert.Equal("application/msgpack", response.Content.Headers.ContentType?.MediaType);
        var converted = MessagePack.MessagePackSerializer.ConvertToJson(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(json.ToString(), JsonDocument.Parse(converted).RootElement.ToString());
    }
}
