using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MessagePack;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Tests;

/// <summary>
/// <c>POST /v1/messages/batch</c> (docs/C2S.md §6): each message stored as the single submit stores it and answered in
/// order with its own id or its own problem; the batch's limits refuse the whole request and store nothing.
/// </summary>
public sealed class BatchTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] NotARecipient = ["not-a-recipient"];
    private readonly TempDirectory _directory = new("clientapi-batch");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("a.example", _directory.Path, new Dictionary<string, string?>
    {
        ["Tern:ClientApi:MaxBatchMessages"] = "6",
        ["Tern:ClientApi:MaxBatchBytes"] = "65536",
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Each_message_of_a_batch_is_stored_and_answered_in_order_with_its_id_and_deliveries()
    {
        var (alice, _) = _node.AddUser("alice");
        string[] first = [$"{Api.NewHash()}@b.example", $"{Api.NewHash()}@c.example"];
        string[] second = [$"{Api.NewHash()}@b.example"];
        var answer = await Api.JsonAsync(await PostAsync(alice, new
        {
            messages = new object[]
            {
                new { to = first, body = Encoding.UTF8.GetBytes("one"), mime = "text/plain" },
                new { to = second, body = new byte[3000] },
            },
        }));

        Assert.Equal(2, answer.GetProperty("submitted").GetInt32());
        Assert.Equal(0, answer.GetProperty("failed").GetInt32());
        var results = answer.GetProperty("results").EnumerateArray().ToArray();
        Assert.All(results, r => Assert.Equal(201, r.GetProperty("status").GetInt32()));
        Assert.All(results, r => Assert.False(r.GetProperty("replayed").GetBoolean()));
        var one = results[0].GetProperty("message");
        Assert.Equal(3, one.GetProperty("size").GetInt64());
        Assert.Equal(first, one.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("to").GetString()));
        Assert.Equal(3000, results[1].GetProperty("message").GetProperty("size").GetInt64());

        // Stored as the single submit stores: status by id, the hint kept, the bytes charged to alice.
        var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{one.GetProperty("messageId").GetString()}"));
        Assert.Equal("text/plain", status.GetProperty("mimeHint").GetString());
        Assert.Equal(2, status.GetProperty("deliveries").GetArrayLength());
        Assert.Equal(3003, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task The_messages_of_a_batch_without_keys_are_made_durable_by_one_commit()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example", $"{Api.NewHash()}@c.example" };
        var commits = _node.Node.Store.CommitCount;
        var answer = await Api.JsonAsync(await PostAsync(alice, new { messages = Enumerable.Range(1, 6).Select(i => new { to, body = new byte[i * 100] }) }));

        Assert.Equal(6, answer.GetProperty("submitted").GetInt32());
        Assert.Equal(commits + 1, _node.Node.Store.CommitCount);
        foreach (var result in answer.GetProperty("results").EnumerateArray())
        {
            var id = result.GetProperty("message").GetProperty("messageId").GetString();
            var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{id}"));
            Assert.Equal(2, status.GetProperty("deliveries").GetArrayLength());
        }
    }

    [Fact]
    public async Task A_batch_half_failing_stores_the_good_messages_and_answers_each_bad_one_with_its_problem()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example" };
        var answer = await Api.JsonAsync(await PostAsync(alice, new
        {
            messages = new object?[]
            {
                new { to, body = new byte[10] },
                new { to = NotARecipient, body = new byte[20] },
                new { to, body = new byte[30], expires = DateTimeOffset.UtcNow.AddSeconds(5).ToString("O") },
                new { to },
                null,
                new { to, body = new byte[40] },
            },
        }));

        Assert.Equal(2, answer.GetProperty("submitted").GetInt32());
        Assert.Equal(4, answer.GetProperty("failed").GetInt32());
        var results = answer.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([201, 400, 400, 400, 400, 201], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("messages[1].to[0]", Problem(results[1]).GetProperty("field").GetString());
        var expiry = Problem(results[2]);
        Assert.Equal("messages[2].expires", expiry.GetProperty("field").GetString());
        Assert.Equal("PT1M", expiry.GetProperty("limit").GetProperty("min").GetString());
        Assert.Equal("messages[3].body", Problem(results[3]).GetProperty("field").GetString());
        Assert.Equal("messages[4]", Problem(results[4]).GetProperty("field").GetString());
        Assert.All(results.Where(r => r.GetProperty("status").GetInt32() != 201), r => Assert.False(r.TryGetProperty("message", out _)));

        // Only the two good messages are in the store and in alice's list.
        Assert.Equal(50, _node.Node.Store.GetAccountStats("alice").LiveBytes);
        var listed = await Api.JsonAsync(await alice.GetAsync("/v1/messages"));
        Assert.Equal(2, listed.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task The_batch_limits_refuse_the_whole_request_naming_the_limit_and_store_nothing()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example" };

        var tooMany = await Api.ProblemAsync(await PostAsync(alice, new { messages = Enumerable.Range(0, 7).Select(_ => new { to, body = new byte[1] }) }), HttpStatusCode.BadRequest);
        Assert.Equal("messages", tooMany.GetProperty("field").GetString());
        Assert.Equal(6, tooMany.GetProperty("limit").GetInt32());

        var empty = await Api.ProblemAsync(await PostAsync(alice, new { messages = Array.Empty<object>() }), HttpStatusCode.BadRequest);
        Assert.Equal("messages", empty.GetProperty("field").GetString());

        // Declared too long: refused before a byte is read.
        var large = new { messages = new[] { new { to, body = new byte[60_000] } } };
        var declared = await Api.ProblemAsync(await PostAsync(alice, large), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", declared.GetProperty("field").GetString());
        Assert.Equal(65536, declared.GetProperty("limit").GetInt64());

        // Chunked, with no length: cut at the limit.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/messages/batch")
        {
            Content = new StreamContent(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(large))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        var cut = await Api.ProblemAsync(await alice.SendAsync(chunked), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(65536, cut.GetProperty("limit").GetInt64());

        Assert.Equal(0, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task Malformed_batches_are_refused_whole_with_a_problem()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example" };
        foreach (var text in new[] { "", "[", "[]", "{\"messages\": 3}", "{\"messages\": [{\"to\": [\"x\"], \"body\": \"not base64!\"}]}", "{\"messages\": [], \"extra\": 1}" })
        {
            using var content = new StringContent(text, Encoding.UTF8, "application/json");
            var problem = await Api.ProblemAsync(await alice.PostAsync("/v1/messages/batch", content), HttpStatusCode.BadRequest);
            Assert.Equal("body", problem.GetProperty("field").GetString());
        }

        // An unknown member of a message is named.
        using (var unknown = new StringContent($"{{\"messages\": [{{\"to\": [\"{to[0]}\"], \"body\": \"AA==\", \"bcc\": []}}]}}", Encoding.UTF8, "application/json"))
        {
            var problem = await Api.ProblemAsync(await alice.PostAsync("/v1/messages/batch", unknown), HttpStatusCode.BadRequest);
            Assert.Contains("bcc", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Another type is refused by the route's declared types; no type at all, by the route, naming the header.
        using (var octets = new ByteArrayContent([1, 2, 3]))
        {
            octets.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await alice.PostAsync("/v1/messages/batch", octets)).StatusCode);
        }

        using (var untyped = new ByteArrayContent([1, 2, 3]))
        {
            var problem = await Api.ProblemAsync(await alice.PostAsync("/v1/messages/batch", untyped), HttpStatusCode.UnsupportedMediaType);
            Assert.Equal("Content-Type", problem.GetProperty("field").GetString());
        }

        using (var garbage = new ByteArrayContent([0xc1, 0xff, 0x00]))
        {
            garbage.Headers.ContentType = new MediaTypeHeaderValue("application/msgpack");
            var problem = await Api.ProblemAsync(await alice.PostAsync("/v1/messages/batch", garbage), HttpStatusCode.BadRequest);
            Assert.Equal("body", problem.GetProperty("field").GetString());
        }

        Assert.Equal(0, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task Idempotency_keys_inside_a_batch_replay_the_first_answers_and_store_nothing_twice()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example" };
        var other = new[] { $"{Api.NewHash()}@b.example" };

        // k0 first through the single route: a batch message asking the same is its replay.
        var single = await Api.JsonAsync(await Api.SubmitAsync(alice, new byte[5], to, "k0"), HttpStatusCode.Created);
        var batch = new
        {
            messages = new object[]
            {
                new { to, body = new byte[5], idempotencyKey = "k0" },
                new { to, body = new byte[7], idempotencyKey = "k1" },
                new { to, body = new byte[9], idempotencyKey = "k1" },
                new { to, body = new byte[11] },
            },
        };
        var first = (await Api.JsonAsync(await PostAsync(alice, batch))).GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([201, 201, 409, 201], first.Select(r => r.GetProperty("status").GetInt32()));
        Assert.True(first[0].GetProperty("replayed").GetBoolean());
        Assert.Equal(single.GetProperty("messageId").GetString(), first[0].GetProperty("message").GetProperty("messageId").GetString());
        Assert.False(first[1].GetProperty("replayed").GetBoolean());
        Assert.Equal("messages[2].idempotencyKey", Problem(first[2]).GetProperty("field").GetString());
        Assert.Equal(5 + 7 + 11, _node.Node.Store.GetAccountStats("alice").LiveBytes);

        // The batch again: the keyed message replays its first answer; the unkeyed one is a new message.
        var again = (await Api.JsonAsync(await PostAsync(alice, batch))).GetProperty("results").EnumerateArray().ToArray();
        Assert.True(again[1].GetProperty("replayed").GetBoolean());
        Assert.Equal(first[1].GetProperty("message").ToString(), again[1].GetProperty("message").ToString());
        Assert.NotEqual(first[3].GetProperty("message").GetProperty("messageId").GetString(), again[3].GetProperty("message").GetProperty("messageId").GetString());
        Assert.Equal(5 + 7 + 11 + 11, _node.Node.Store.GetAccountStats("alice").LiveBytes);

        // The key with other recipients: that message alone is refused.
        var reused = (await Api.JsonAsync(await PostAsync(alice, new { messages = new object[] { new { to = other, body = new byte[7], idempotencyKey = "k1" }, new { to, body = new byte[1] } } })))
            .GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([422, 201], reused.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("urn:tern:c2s:idempotency-key-reused", Problem(reused[0]).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Another_users_token_sees_nothing_of_a_batch_and_its_messages_are_charged_to_its_sender()
    {
        var (alice, _) = _node.AddUser("alice");
        var (mallory, _) = _node.AddUser("mallory");
        var to = new[] { $"{Api.NewHash()}@b.example" };
        var answer = await Api.JsonAsync(await PostAsync(alice, new { messages = new object[] { new { to, body = new byte[64], idempotencyKey = "shared" } } }));
        var id = answer.GetProperty("results")[0].GetProperty("message").GetProperty("messageId").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/v1/messages/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.DeleteAsync($"/v1/messages/{id}")).StatusCode);
        Assert.DoesNotContain(id, await mallory.GetStringAsync("/v1/messages"), StringComparison.Ordinal);

        // Keys are per user: mallory's "shared" is her own new message, not a replay of alice's.
        var hers = await Api.JsonAsync(await PostAsync(mallory, new { messages = new object[] { new { to, body = new byte[64], idempotencyKey = "shared" } } }));
        var result = hers.GetProperty("results")[0];
        Assert.False(result.GetProperty("replayed").GetBoolean());
        Assert.NotEqual(id, result.GetProperty("message").GetProperty("messageId").GetString());
        Assert.Equal(64, _node.Node.Store.GetAccountStats("alice").LiveBytes);
        Assert.Equal(64, _node.Node.Store.GetAccountStats("mallory").LiveBytes);

        using var anonymous = new HttpClient { BaseAddress = _node.Http.BaseAddress };
        var problem = await Api.ProblemAsync(await PostAsync(anonymous, new { messages = new object[] { new { to, body = new byte[1] } } }), HttpStatusCode.Unauthorized);
        Assert.Equal("Authorization", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_MessagePack_batch_is_answered_in_MessagePack_with_per_message_results()
    {
        var (alice, _) = _node.AddUser("alice");
        var to = new[] { $"{Api.NewHash()}@b.example" };
        var batch = new BatchRequest
        {
            Messages =
            [
                new BatchMessage { To = to, Body = [1, 2, 3, 4], Mime = "application/octet-stream" },
                new BatchMessage { To = to, Body = [5], Expires = "tomorrow" },
            ],
        };
        using var content = new ByteArrayContent(MessagePackSerializer.Serialize(batch));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/msgpack");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages/batch") { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/msgpack"));
        var response = await alice.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/msgpack", response.Content.Headers.ContentType?.MediaType);

        var answer = MessagePackSerializer.Deserialize<BatchResponse>(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal([201, 400], answer.Results.Select(r => r.Status));
        Assert.Equal(4, answer.Results[0].Message!.Size);
        Assert.Equal("messages[1].expires", answer.Results[1].Problem!.Field);
        Assert.Equal(4, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    private static JsonElement Problem(JsonElement result)
    {
        var problem = result.GetProperty("problem");
        Assert.Equal(result.GetProperty("status").GetInt32(), problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:tern:c2s:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        return problem;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object batch)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(batch));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync("/v1/messages/batch", content);
    }
}
