using System.Net;
using System.Text;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Malformed, oversized, wrong-typed and hostile values on every route: each answers a 4xx problem naming the field, and
/// nothing the user can see (or the store holds) changes.
/// </summary>
public sealed class BadInputTests : IClassFixture<BadInputTests.Fixture>
{
    // In a query value, NUL and all; in a path segment without NUL, which Kestrel itself refuses (400) before any route runs.
    private static readonly string Hostile = Uri.EscapeDataString("../../etc/passwd\0<script>'\"; DROP TABLE");
    private static readonly string HostileSegment = Uri.EscapeDataString("../../etc/passwd<script>'\"; DROP TABLE");
    private readonly ApiNode _node;
    private readonly HttpClient _alice;

    public BadInputTests(Fixture fixture)
    {
        _node = fixture.Node;
        _alice = fixture.Alice;
    }

    public static TheoryData<string, string, string?, string?, int, string> Cases()
    {
        var hash = Api.NewHash();
        var to = $"to={hash}@b.example";
        var longKey = new string('k', 129);
        var tooMany = string.Join('&', Enumerable.Range(0, 9).Select(_ => $"to={Api.NewHash()}@b.example"));
        var longMime = new string('m', 256);
        return new TheoryData<string, string, string?, string?, int, string>
        {
            // method, path, body (null: none; "json:" prefix: application/json), Idempotency-Key, status, field
            { "POST", "/v1/messages", "x", null, 400, "to" },
            { "POST", "/v1/keys", "x", null, 415, "Content-Type" },
            { "POST", "/v1/keys", "json:[1]", null, 400, "body" },
            { "POST", "/v1/keys", "json:{", null, 400, "body" },
            { "POST", "/v1/keys", "json:{}", null, 400, "signingKey" },
            { "POST", "/v1/keys", "json:{\"signingKey\":\"short\"}", null, 400, "signingKey" },
            { "POST", "/v1/keys", $"json:{{\"signingKey\":\"{hash}\"}}", null, 400, "agreementKey" },
            { "POST", "/v1/keys", $"json:{{\"signingKey\":\"{hash}\",\"agreementKey\":\"{hash}\",\"owner\":\"eve\"}}", null, 400, "owner" },
            { "POST", "/v1/keys", "json:{\"generate\":true}", null, 403, "generate" },
            { "POST", "/v1/keys/rotate", $"json:{{\"signingKey\":\"{hash}\",\"agreementKey\":\"{hash}\"}}", null, 409, "signingKey" },
            { "POST", "/v1/keys/revoke", "json:{\"reason\":\"bored\"}", null, 400, "reason" },
            { "POST", "/v1/keys/revoke", "json:{}", null, 409, "address" },
            { "GET", "/v1/directory/not-an-address", null, null, 400, "address" },
            { "GET", "/v1/directory/Bob@-bad-.example", null, null, 400, "address" },
            { "POST", "/v1/reservations", "json:{\"expires\":\"2999-01-01T00:00:00Z\"}", null, 400, "expires" },
            { "POST", "/v1/reservations", "json:{\"expires\":\"yesterday\"}", null, 400, "expires" },
            { "POST", "/v1/reservations", "json:{\"size\":1}", null, 400, "size" },
            { "PUT", "/v1/reservations/not-an-id/blob", "x", null, 400, "messageId" },
            { "PUT", $"/v1/reservations/{hash}/blob", "x", null, 404, "messageId" },
            { "POST", $"/v1/reservations/{hash}/send", "json:{}", null, 404, "messageId" },
            { "DELETE", $"/v1/reservations/{hash}", null, null, 404, "messageId" },
            { "POST", "/v1/messages?to=", "x", null, 400, "to[0]" },
            { "POST", "/v1/messages?to=bob@b.example", "x", null, 400, "to[0]" },
            { "POST", $"/v1/messages?to={hash}", "x", null, 400, "to[0]" },
            { "POST", $"/v1/messages?to={hash}@{Hostile}", "x", null, 400, "to[0]" },
            { "POST", $"/v1/messages?to={hash}@b.example&to={hash}@B.example", "x", null, 400, "to[1]" },
            { "POST", $"/v1/messages?{tooMany}", "x", null, 400, "to" },
            { "POST", $"/v1/messages?{to}&expires=tomorrow", "x", null, 400, "expires" },
            { "POST", $"/v1/messages?{to}&expires=2020-01-01T00:00:00Z", "x", null, 400, "expires" },
            { "POST", $"/v1/messages?{to}&expires=2999-01-01T00:00:00Z", "x", null, 400, "expires" },
            { "POST", $"/v1/messages?{to}&expires=2026-12-07T00:00:00", "x", null, 400, "expires" },
            { "POST", $"/v1/messages?{to}&mime={longMime}", "x", null, 400, "mime" },
            { "POST", $"/v1/messages?{to}&mime=text%0Aplain", "x", null, 400, "mime" },
            { "POST", $"/v1/messages?{to}", "x", longKey, 400, "Idempotency-Key" },
            { "POST", $"/v1/messages?{to}", "x", "has space", 400, "Idempotency-Key" },
            { "GET", "/v1/messages/not-an-id", null, null, 400, "messageId" },
            { "GET", $"/v1/messages/{HostileSegment}", null, null, 400, "messageId" },
            { "DELETE", "/v1/messages/AAAA", null, null, 400, "messageId" },
            { "GET", $"/v1/messages/{Api.NewHash()}", null, null, 404, "messageId" },
            { "GET", "/v1/references?hash=", null, null, 400, "hash" },
            { "GET", "/v1/references?after=-1", null, null, 400, "after" },
            { "GET", "/v1/references?after=ten", null, null, 400, "after" },
            { "GET", "/v1/references?after=18446744073709551615", null, null, 410, "after" },
            { "GET", "/v1/references?limit=0", null, null, 400, "limit" },
            { "GET", "/v1/references?limit=1001", null, null, 400, "limit" },
            { "GET", "/v1/references?wait=31", null, null, 400, "wait" },
            { "POST", "/v1/references/short/actions", "json:{\"action\":\"pull\"}", null, 400, "capability" },
            { "POST", $"/v1/references/{hash}/actions", "json:{\"action\":\"delete\"}", null, 400, "action" },
            { "POST", $"/v1/references/{hash}/actions", "json:{\"action\":1}", null, 400, "action" },
            { "POST", $"/v1/references/{hash}/actions", "json:{\"action\":\"pull\",\"hash\":\"x\"}", null, 400, "hash" },
            { "POST", $"/v1/references/{hash}/actions", "{\"action\":\"pull\"}", null, 415, "Content-Type" },
            { "POST", $"/v1/references/{hash}/actions", "json:{\"action\":\"pull\"}", null, 404, "capability" },
            { "GET", "/v1/references?hash=short", null, null, 400, "hash" },
            { "GET", $"/v1/references?hash={hash}&after=-1", null, null, 400, "after" },
            { "GET", $"/v1/references?hash={hash}&after=18446744073709551616", null, null, 400, "after" },
            { "GET", $"/v1/references?hash={hash}&limit=0", null, null, 400, "limit" },
            { "GET", $"/v1/references?hash={hash}&limit=1001", null, null, 400, "limit" },
            { "GET", $"/v1/references?hash={hash}&limit=ten", null, null, 400, "limit" },
            { "GET", $"/v1/references?hash={hash}&wait=31", null, null, 400, "wait" },
            { "GET", $"/v1/references?hash={hash}&wait=1e3", null, null, 400, "wait" },
            { "GET", $"/v1/references?hash={hash}", null, null, 404, "hash" },
            { "GET", "/v1/stored?hash=zz", null, null, 400, "hash" },
            { "GET", $"/v1/stored?hash={hash}", null, null, 404, "hash" },
            { "GET", "/v1/stored/AAAA", null, null, 400, "id" },
            { "GET", $"/v1/stored/{Api.NewHash()}", null, null, 404, "id" },
            { "DELETE", $"/v1/stored/{HostileSegment}", null, null, 400, "id" },
            { "PUT", "/v1/hashes/not-base64url!", null, null, 400, "hash" },
            { "PUT", $"/v1/hashes/{hash}A", null, null, 400, "hash" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"kind\":\"friend\"}", null, 400, "kind" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"kind\":3}", null, 400, "kind" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"kind\":\"token\",\"owner\":\"eve\"}", null, 400, "owner" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"expires\":\"2020-01-01T00:00:00Z\"}", null, 400, "expires" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"expires\":\"2999-01-01T00:00:00Z\"}", null, 400, "expires" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"expires\":\"tomorrow\"}", null, 400, "expires" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"expires\":86400}", null, 400, "expires" },
            { "PUT", $"/v1/hashes/{hash}", "json:[\"token\"]", null, 400, "body" },
            { "PUT", $"/v1/hashes/{hash}", "json:{\"kind\":", null, 400, "body" },
            { "PUT", $"/v1/hashes/{hash}", "json:" + new string(' ', 5000) + "{}", null, 413, "body" },
            { "PUT", $"/v1/hashes/{hash}", "{\"kind\":\"token\"}", null, 415, "Content-Type" },
            { "DELETE", $"/v1/hashes/{Api.NewHash()}", null, null, 404, "hash" },
            { "PUT", "/v1/preferences/a.example", "json:{\"pull\":\"sometimes\"}", null, 400, "pull" },
            { "PUT", "/v1/preferences/a.example", "json:{\"pull\":1}", null, 400, "pull" },
            { "PUT", "/v1/preferences/a.example", "json:[\"immediately\"]", null, 400, "pull" },
            { "PUT", "/v1/preferences/a.example", "json:{\"pull\":", null, 400, "body" },
            { "PUT", "/v1/preferences/a.example", "json:" + new string(' ', 5000) + "{}", null, 413, "body" },
            { "PUT", "/v1/preferences/a.example", "{\"pull\":\"ignore\"}", null, 415, "Content-Type" },
            { "PUT", $"/v1/preferences/{HostileSegment}", "json:{\"pull\":\"ignore\"}", null, 400, "senderDomain" },
            { "PUT", $"/v1/preferences/{new string('a', 64)}.example", "json:{\"pull\":\"ignore\"}", null, 400, "senderDomain" },
            { "DELETE", "/v1/preferences/-bad-.example", null, null, 400, "senderDomain" },
            { "PUT", "/v1/blocks/under_score.example", null, null, 400, "senderDomain" },
            { "PUT", $"/v1/blocks/{string.Join('.', Enumerable.Repeat("abcdefgh", 40))}", null, null, 400, "senderDomain" },
            { "DELETE", "/v1/blocks/xn--%C3%A9.example", null, null, 400, "senderDomain" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_bad_value_gets_a_problem_naming_its_field_and_changes_nothing(string method, string path, string? body, string? key, int status, string field)
    {
        var alice = _alice;
        var before = await SnapshotAsync(alice);

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = body.StartsWith("json:", StringComparison.Ordinal)
                ? new StringContent(body[5..], Encoding.UTF8, "application/json")
                : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        var problem = await Api.ProblemAsync(await alice.SendAsync(request), (HttpStatusCode)status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await SnapshotAsync(alice));
        Assert.Equal(0, _node.Node.Store.GetAccountStats("alice").LiveBytes);
    }

    [Fact]
    public async Task Limits_are_named_in_the_problem()
    {
        var alice = _alice;
        var tooMany = string.Join('&', Enumerable.Range(0, 9).Select(_ => $"to={Api.NewHash()}@b.example"));
        var recipients = await Api.ProblemAsync(await alice.PostAsync($"/v1/messages?{tooMany}", new ByteArrayContent([1])), HttpStatusCode.BadRequest);
        Assert.Equal(8, recipients.GetProperty("limit").GetInt32());

        var expiry = await Api.ProblemAsync(await alice.PostAsync($"/v1/messages?to={Api.NewHash()}@b.example&expires=2999-01-01T00:00:00Z", new ByteArrayContent([1])), HttpStatusCode.BadRequest);
        Assert.Equal("PT1M", expiry.GetProperty("limit").GetProperty("min").GetString());
        Assert.Equal("P30D", expiry.GetProperty("limit").GetProperty("max").GetString());

        var wait = await Api.ProblemAsync(await alice.GetAsync($"/v1/references?hash={Api.NewHash()}&wait=99"), HttpStatusCode.BadRequest);
        Assert.Equal(30, wait.GetProperty("limit").GetInt32());

        var all = await Api.ProblemAsync(await alice.GetAsync("/v1/references?limit=5000"), HttpStatusCode.BadRequest);
        Assert.Equal(1000, all.GetProperty("limit").GetInt32());

        var lapse = await Api.ProblemAsync(await Api.PutJsonAsync(alice, $"/v1/hashes/{Api.NewHash()}", new { kind = "token", expires = "2020-01-01T00:00:00Z" }), HttpStatusCode.BadRequest);
        Assert.Equal("PT0S", lapse.GetProperty("limit").GetProperty("min").GetString());
        Assert.Equal("P3650D", lapse.GetProperty("limit").GetProperty("max").GetString());
    }

    [Fact]
    public async Task A_bad_configuration_refuses_start_naming_the_key()
    {
        using var other = new TempDirectory("clientapi-config");
        foreach (var (key, value) in new[] { ("MaxRecipients", "0"), ("MaxRecipients", "many"), ("Listen", "localhost"), ("Listen", "10.1.2.3:7480"), ("DefaultTransit", "40.00:00:00"), ("Nonsense", "1") })
        {
            var error = await Assert.ThrowsAsync<Tern.Node.TernConfigurationException>(() =>
                ApiNode.StartAsync("c.example", other.Path, new Dictionary<string, string?> { [$"Tern:ClientApi:{key}"] = value }));
            Assert.Contains("Tern:ClientApi", error.Message, StringComparison.Ordinal);
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<string> SnapshotAsync(HttpClient client)
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/v1/messages", "/v1/me", "/v1/hashes", "/v1/stored", "/v1/preferences", "/v1/blocks" })
        {
            parts.Add(await client.GetStringAsync(path));
        }

        return string.Join('\n', parts);
    }

    /// <summary>One node and one user for every case (a node per case would spend the run starting stores).</summary>
    public sealed class Fixture : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _directory = new("clientapi-bad");

        public ApiNode Node { get; private set; } = null!;

        public HttpClient Alice { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Node = await ApiNode.StartAsync("a.example", _directory.Path);
            Alice = Node.AddUser("alice").Client;
        }

        public async Task DisposeAsync()
        {
            Alice.Dispose();
            await Node.DisposeAsync();
        }

        public void Dispose() => _directory.Dispose();
    }
}
