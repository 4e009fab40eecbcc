using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tern.Admin.Tests;

/// <summary>Every admin route refuses no token and a wrong one, answers with the token, and refuses hostile parameters with a problem.</summary>
public sealed class AdminRouteTests : IAsyncLifetime, IDisposable
{
    private const string Hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private readonly TempDirectory _directory = new("admin-routes");
    private AdminNode _node = null!;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/admin/v1/health/live" },
        { "GET", "/admin/v1/health/ready" },
        { "GET", "/admin/v1/stats" },
        { "GET", "/admin/v1/economics" },
        { "GET", "/admin/v1/transit" },
        { "GET", "/admin/v1/pending" },
        { "GET", $"/admin/v1/pending/{Hash}" },
        { "GET", "/admin/v1/expiring?before=2030-01-01T00:00:00Z" },
        { "GET", "/admin/v1/blocks" },
        { "PUT", "/admin/v1/blocks/spam.example" },
        { "DELETE", "/admin/v1/blocks/spam.example" },
        { "GET", $"/admin/v1/preferences?recipientHash={Hash}&senderDomain=a.example" },
        { "PUT", "/admin/v1/preferences" },
        { "POST", "/admin/v1/config/reload" },
        { "POST", "/admin/v1/keys/rotate" },
    };

    public async Task InitializeAsync() => _node = await AdminNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_route_refuses_no_token_and_a_wrong_one_with_a_problem(string method, string path)
    {
        using var none = _node.Client(null);
        using var wrong = _node.Client("tern_admin_" + new string('x', 43));
        using var userish = _node.Client(_node.Token[..^1]);
        foreach (var client in new[] { none, wrong, userish })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("urn:tern:admin:unauthorized", problem.RootElement.GetProperty("type").GetString());
            Assert.True(response.Headers.WwwAuthenticate.Count > 0);
        }

        // Nothing changed behind the refusals.
        Assert.Empty(_node.Node.Blocks.Domains);
    }

    [Fact]
    public async Task Health_and_stats_answer_with_the_token()
    {
        Assert.Equal("live", (await Json("/admin/v1/health/live")).GetProperty("status").GetString());
        var ready = await Json("/admin/v1/health/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(0, ready.GetProperty("reasons").GetArrayLength());
        var stats = await Json("/admin/v1/stats");
        Assert.Equal("a.example", stats.GetProperty("domain").GetString());
        Assert.True(stats.GetProperty("ready").GetBoolean());
        var drops = stats.GetProperty("notify").GetProperty("drops");
        Assert.Equal(0, drops.GetProperty("blocked").GetInt64());
        Assert.True(drops.TryGetProperty("table_full", out _));
        Assert.Equal(0, stats.GetProperty("pendingReferences").GetInt64());
    }

    [Fact]
    public async Task The_ports_file_names_the_admin_listener_and_the_token_file_is_private()
    {
        using var ports = JsonDocument.Parse(await File.ReadAllTextAsync(Node.TernDataDirectory.PortsFile(_directory.Path)));
        Assert.Equal(_node.Node.AdminEndPoint!.ToString(), ports.RootElement.GetProperty("admin").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Node.TernDataDirectory.AdminTokenFile(_directory.Path)));
        Assert.StartsWith("tern_admin_", _node.Token, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/admin/v1/transit?limit=0", "limit")]
    [InlineData("GET", "/admin/v1/transit?limit=1001", "limit")]
    [InlineData("GET", "/admin/v1/transit?limit=-1", "limit")]
    [InlineData("GET", "/admin/v1/transit?limit=99999999999999999999", "limit")]
    [InlineData("GET", "/admin/v1/transit?limit=1e3", "limit")]
    [InlineData("GET", "/admin/v1/transit?after=..%2F..%2Fetc%2Fpasswd", "after")]
    [InlineData("GET", "/admin/v1/pending/not-a-hash", "recipientHash")]
    [InlineData("GET", $"/admin/v1/pending/{Hash}?after=-5", "after")]
    [InlineData("GET", $"/admin/v1/pending/{Hash}?limit=abc", "limit")]
    [InlineData("GET", "/admin/v1/expiring", "before")]
    [InlineData("GET", "/admin/v1/expiring?before=tomorrow", "before")]
    [InlineData("GET", "/admin/v1/expiring?before=2030-01-01T00:00:00", "before")]
    [InlineData("PUT", "/admin/v1/blocks/bad%20domain", "domain")]
    [InlineData("PUT", "/admin/v1/blocks/-x.example", "domain")]
    [InlineData("DELETE", "/admin/v1/blocks/a..b", "domain")]
    [InlineData("GET", "/admin/v1/preferences?recipientHash=zz&senderDomain=a.example", "recipientHash")]
    [InlineData("GET", $"/admin/v1/preferences?recipientHash={Hash}&senderDomain=%00", "senderDomain")]
    public async Task Hostile_parameters_are_refused_naming_the_parameter(string method, string path, string field)
    {
        using var response = await _node.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertProblem(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("{\"recipientHash\":\"x\",\"preference\":\"ignore\"}", "recipientHash")]
    [InlineData("{\"recipientHash\":\"" + Hash + "\",\"senderDomain\":\"a.example\",\"preference\":\"2\"}", "preference")]
    [InlineData("{\"recipientHash\":\"" + Hash + "\",\"senderDomain\":\"a.example\",\"preference\":\"sometimes\"}", "preference")]
    [InlineData("{\"recipientHash\":\"" + Hash + "\",\"senderDomain\":\"not a domain\",\"preference\":\"ignore\"}", "senderDomain")]
    public async Task A_hostile_preference_body_is_refused_and_changes_nothing(string body, string field)
    {
        using var response = await _node.Http.PutAsync("/admin/v1/preferences", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblem(response, HttpStatusCode.BadRequest, field);
        var answer = await Json($"/admin/v1/preferences?recipientHash={Hash}&senderDomain=a.example");
        Assert.Equal("whenRequested", answer.GetProperty("preference").GetString());
    }

    [Fact]
    public async Task A_preference_set_is_what_the_ingest_looks_up()
    {
        using var set = await _node.Http.PutAsJsonAsync("/admin/v1/preferences", new { recipientHash = Hash, senderDomain = "B.Example", preference = "ignore" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("ignore", (await Json($"/admin/v1/preferences?recipientHash={Hash}&senderDomain=b.example")).GetProperty("preference").GetString());
        Assert.Equal(Engine.Pending.PullPreference.Ignore,
            _node.Node.Preferences.Lookup(new Engine.Protocol.RecipientHash(Engine.Protocol.Bytes32.Parse(Hash)), "b.example"u8));
        Assert.Equal("whenRequested", (await Json($"/admin/v1/preferences?recipientHash={Hash}&senderDomain=c.example")).GetProperty("preference").GetString());
    }

    [Fact]
    public async Task Key_rotation_begins_on_the_node_and_the_served_descriptor_is_cross_signed()
    {
        // A node with an HTTP door, which serves the descriptor.
        using var directory = new TempDirectory("admin-rotation");
        await using var node = await AdminNode.StartAsync("a.example", directory.Path, new Dictionary<string, string?> { ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0" });
        var old = node.Node.Keys;
        var oldFingerprint = Engine.Protocol.Bytes32.Parse(old.Fingerprint);

        using var response = await node.Http.PostAsync("/admin/v1/keys/rotate?overlap=2d", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var report = JsonDocument.Parse(text).RootElement;

        Assert.Equal("rotated", report.GetProperty("state").GetString());
        Assert.Equal(old.Fingerprint, report.GetProperty("previousFingerprint").GetString());
        Assert.Equal(node.Node.Keys.Fingerprint, report.GetProperty("fingerprint").GetString());
        Assert.NotEqual(old.Fingerprint, node.Node.Keys.Fingerprint);
        Assert.Contains(old.Fingerprint, report.GetProperty("txtDuringWindow").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(old.Fingerprint, report.GetProperty("txtAfterWindow").GetString(), StringComparison.Ordinal);

        // The descriptor is signed again by the new keys, and the old fingerprint (what DNS still says) vouches for it.
        await Eventually.AssertAsync(() => node.Node.ServedDescriptor is { } document
            && Engine.Protocol.Descriptor.SignedDescriptor.Verify(document.Span, "a.example", DateTimeOffset.UtcNow, [oldFingerprint]) is { IsValid: true } served
            && served.Descriptor.RotationState == Engine.Protocol.Descriptor.KeyRotationState.Rotated);

        // One rotation at a time.
        using var again = await node.Http.PostAsync("/admin/v1/keys/rotate?overlap=2d", null);
        await AssertProblem(again, HttpStatusCode.Conflict, "overlap");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?overlap=")]
    [InlineData("?overlap=soon")]
    [InlineData("?overlap=0s")]
    [InlineData("?overlap=31d")]
    [InlineData("?overlap=-1d")]
    [InlineData("?overlap=99999999999999999999d")]
    [InlineData("?overlap=12h")]
    public async Task A_hostile_or_short_overlap_is_refused_and_rotates_nothing(string query)
    {
        var before = _node.Node.Keys.Fingerprint;
        using var response = await _node.Http.PostAsync("/admin/v1/keys/rotate" + query, null);
        await AssertProblem(response, HttpStatusCode.BadRequest, "overlap");
        Assert.Equal(before, _node.Node.Keys.Fingerprint);
        Assert.Equal(Engine.Protocol.Descriptor.KeyRotationState.None, _node.Node.KeyRotation.Snapshot.State);
    }

    [Fact]
    public async Task Reload_applies_blocks_txt_and_lists_nothing_to_restart_when_nothing_changed()
    {
        await File.WriteAllTextAsync(Node.TernDataDirectory.BlocksFile(_directory.Path), "# spam\nSpam.Example\n");
        using var response = await _node.Http.PostAsync("/admin/v1/config/reload", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("blocks.txt", report.RootElement.GetProperty("applied").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, report.RootElement.GetProperty("needRestart").GetArrayLength());
        Assert.Equal(["spam.example"], _node.Node.Blocks.Domains);
    }

    [Fact]
    public async Task Inspection_routes_answer_empty_pages_on_an_empty_node()
    {
        var transit = await Json("/admin/v1/transit?limit=5");
        Assert.Equal(0, transit.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, transit.GetProperty("next").ValueKind);
        var pending = await Json($"/admin/v1/pending/{Hash}");
        Assert.Equal(0, pending.GetProperty("items").GetArrayLength());
        var expiring = await Json("/admin/v1/expiring?before=2030-01-01T00:00:00Z");
        Assert.Equal(0, expiring.GetProperty("deliveries").GetInt64());
        var economics = await Json("/admin/v1/economics");
        Assert.Equal(0, economics.GetProperty("accounts").GetArrayLength());
    }

    private async Task<JsonElement> Json(string path)
    {
        using var response = await _node.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }
}
