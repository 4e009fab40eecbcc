using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Admin.Tests;

/// <summary>
/// <c>GET</c> and <c>PUT /admin/v1/contacts</c> on a gateway, and the plan reloaded from its file by the configuration
/// reload: validated before the swap, a refused plan is a problem and the old plan stays, and no restart.
/// </summary>
public sealed class ContactRouteTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("admin-contacts");
    // Two hours ahead, in whole seconds: the plans' windows have not opened during a test.
    private static readonly DateTimeOffset Opens = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds());
    private AdminNode _node = null!;

    private string PlanFile => Path.Combine(_directory.Path, "contacts.json");

    public async Task InitializeAsync()
    {
        // The plan in the data directory before the start: read at start.
        await File.WriteAllTextAsync(PlanFile, Plan(("g-b", "b.example", 0)));
        _node = await AdminNode.StartAsync("g.example", _directory.Path, Gateway);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    public static Dictionary<string, string?> Gateway => new()
    {
        ["Tern:Node:Role"] = "Gateway",
        ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0",
        ["Tern:Gateway:Senders:0"] = "a.example",
    };

    [Fact]
    public async Task The_plan_read_at_start_is_shown_per_contact_with_what_is_held_for_its_destination()
    {
        // Two blobs held for b.example: one expiring before its first window closes (near expiry), one after.
        await Submit(1000, DateTimeOffset.UtcNow.AddHours(1), recipients: 2);
        await Submit(500, DateTimeOffset.UtcNow.AddDays(1), recipients: 1);

        using var report = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/contacts"));
        Assert.Equal("g.example", report.RootElement.GetProperty("source").GetString());
        var contact = Assert.Single(report.RootElement.GetProperty("contacts").EnumerateArray().ToList());
        Assert.Equal(("g-b", "b.example", 8000L), (contact.GetProperty("contact").GetString(), contact.GetProperty("destination").GetString(), contact.GetProperty("rateBitsPerSecond").GetInt64()));
        Assert.Equal(2500, contact.GetProperty("bytesHeld").GetInt64());
        Assert.Equal(2000, contact.GetProperty("bytesNearExpiry").GetInt64());
        Assert.Equal(2, contact.GetProperty("receiptsOutstanding").GetInt64());
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("open").ValueKind);
        Assert.Equal(Opens, contact.GetProperty("next").GetProperty("opens").GetDateTimeOffset());
        Assert.Equal(60.0, contact.GetProperty("repeatEverySeconds").GetDouble());
        Assert.Equal(100, contact.GetProperty("cycles").GetInt64());
        Assert.Equal(0, contact.GetProperty("sentBytesToday").GetInt64());
    }

    [Fact]
    public async Task A_contact_to_a_peer_gateway_counts_what_is_held_for_the_destinations_carried_to_it()
    {
        // m.example is reached through gm.example (a bulk next hop); the plan has a contact to gm.example only.
        using var directory = new TempDirectory("admin-contacts-nexthop");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "contacts.json"), Plan(("g-gm", "gm.example", 0), ("g-b", "b.example", 30)));
        var config = Gateway;
        config["Tern:Gateway:Bulk:Endpoint"] = "127.0.0.1:0";
        config["Tern:Gateway:Bulk:NextHops:m.example"] = "gm.example";
        await using var gateway = await AdminNode.StartAsync("g.example", directory.Path, config);

        // For m.example: a blob for two recipients expiring before the peer's first window closes, one for one after.
        await Submit(gateway, 1000, DateTimeOffset.UtcNow.AddHours(1), recipients: 2, "m.example");
        await Submit(gateway, 500, DateTimeOffset.UtcNow.AddDays(1), recipients: 1, "m.example");
        await Submit(gateway, 300, DateTimeOffset.UtcNow.AddDays(1), recipients: 1, "b.example");

        using var report = JsonDocument.Parse(await gateway.Http.GetStringAsync("/admin/v1/contacts"));
        var contacts = report.RootElement.GetProperty("contacts").EnumerateArray().ToDictionary(c => c.GetProperty("contact").GetString()!);
        var peer = contacts["g-gm"];
        Assert.Equal(2500, peer.GetProperty("bytesHeld").GetInt64());
        Assert.Equal(2000, peer.GetProperty("bytesNearExpiry").GetInt64());
        Assert.Equal(2, peer.GetProperty("receiptsOutstanding").GetInt64());

        // b.example's contact keeps its own figures; nothing of m.example's is counted there.
        Assert.Equal(300, contacts["g-b"].GetProperty("bytesHeld").GetInt64());
        Assert.Equal(1, contacts["g-b"].GetProperty("receiptsOutstanding").GetInt64());
    }

    [Fact]
    public async Task A_new_plan_is_put_in_force_without_a_restart_and_written_to_the_plan_file()
    {
        var plan = Plan(("g-c", "c.example", 0), ("g-b2", "b.example", 30));
        using var put = await _node.Http.PutAsync("/admin/v1/contacts", Json(plan));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var report = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
        Assert.Equal("g-c,g-b2", string.Join(',', report.RootElement.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("contact").GetString())));
        Assert.Equal(plan, await File.ReadAllTextAsync(PlanFile));
        Assert.True(_node.Node.Contacts!.Covers("c.example"));
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "rate in bytes", Plan(("g-b", "b.example", 0)).Replace("rateBitsPerSecond", "rateBytesPerSecond", StringComparison.Ordinal), "rateBytesPerSecond" },
        { "end before start", Plan(("g-b", "b.example", 0)).Replace("\"end\"", "\"end0\"", StringComparison.Ordinal).Replace("\"start\"", "\"end\"", StringComparison.Ordinal).Replace("\"end0\"", "\"start\"", StringComparison.Ordinal), "end" },
        { "overlapping windows", Plan(("g-b", "b.example", 0), ("g-b2", "b.example", 10)), "start" },
        { "not JSON", "contacts: g-b", "(document)" },
        { "empty body", "", "(document)" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_hostile_plan_is_a_problem_naming_the_field_and_the_old_plan_stays(string why, string body, string field)
    {
        var before = await File.ReadAllTextAsync(PlanFile);
        using var put = await _node.Http.PutAsync("/admin/v1/contacts", Json(body));

        Assert.True(put.StatusCode == HttpStatusCode.BadRequest, $"{why}: {put.StatusCode}");
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
        Assert.Equal("urn:tern:admin:invalid-plan", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        Assert.Contains("stays", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(PlanFile));
        Assert.Equal("g-b", Assert.Single(_node.Node.Contacts!.Schedule.Plan.Contacts).Id);
    }

    [Fact]
    public async Task Without_the_token_or_with_another_the_routes_answer_401_and_change_nothing()
    {
        using var none = _node.Client(null);
        using var wrong = _node.Client("tern_admin_" + new string('x', 43));
        foreach (var client in new[] { none, wrong })
        {
            using var get = await client.GetAsync("/admin/v1/contacts");
            Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
            using var put = await client.PutAsync("/admin/v1/contacts", Json(Plan(("g-c", "c.example", 0))));
            Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        }

        Assert.False(_node.Node.Contacts!.Covers("c.example"));
    }

    [Fact]
    public async Task A_plan_larger_than_the_limit_is_refused_413()
    {
        using var put = await _node.Http.PutAsync("/admin/v1/contacts", Json(new string(' ', (1 << 20) + 10) + "{}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
    }

    [Fact]
    public async Task The_configuration_reload_reads_the_plan_file_again_and_refuses_a_bad_one_keeping_the_old()
    {
        await File.WriteAllTextAsync(PlanFile, Plan(("g-c", "c.example", 0)));
        using (var reload = await _node.Http.PostAsync("/admin/v1/config/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            Assert.Contains("contacts.json", await reload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(_node.Node.Contacts!.Covers("c.example"));

        await File.WriteAllTextAsync(PlanFile, Plan(("g-c", "c.example", 0)).Replace("c.example", "c example", StringComparison.Ordinal));
        using (var refused = await _node.Http.PostAsync("/admin/v1/config/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("destination", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(_node.Node.Contacts!.Covers("c.example"));
    }

    [Fact]
    public async Task Plans_replaced_under_traffic_all_answer_and_the_last_one_put_is_in_force_and_on_disk()
    {
        // Submissions scheduled for b.example and reports read while two plans are put in turn, 40 times.
        var plans = new[] { Plan(("g-b", "b.example", 0)), Plan(("g-b", "b.example", 0), ("g-c", "c.example", 0)) };
        var puts = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                using var put = await _node.Http.PutAsync("/admin/v1/contacts", Json(plans[i % 2]));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
        });
        var reads = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                using var get = await _node.Http.GetAsync("/admin/v1/contacts");
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                using var report = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
                Assert.InRange(report.RootElement.GetProperty("contacts").GetArrayLength(), 1, 2);
            }
        });
        var submits = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                _node.Node.Scheduler.Schedule(await Submit(100, DateTimeOffset.UtcNow.AddHours(3), recipients: 1));
            }
        });

        await Task.WhenAll(puts, reads, submits);
        Assert.Equal(plans[1], await File.ReadAllTextAsync(PlanFile));
        Assert.Equal(2, _node.Node.Contacts!.Schedule.Plan.Contacts.Count);
        using var final = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/contacts"));
        var b = final.RootElement.GetProperty("contacts").EnumerateArray().Single(c => c.GetProperty("contact").GetString() == "g-b");
        Assert.Equal(2000, b.GetProperty("bytesHeld").GetInt64());
    }

    [Fact]
    public async Task A_gateway_whose_plan_file_is_invalid_refuses_to_start_naming_the_key_and_the_field()
    {
        using var directory = new TempDirectory("admin-contacts-bad");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "contacts.json"), Plan(("g-b", "b.example", 0)).Replace("\"oneWayLightTimeSeconds\"", "\"owlt\"", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<Tern.Node.TernConfigurationException>(() => AdminNode.StartAsync("g.example", directory.Path, Gateway));

        Assert.Equal("Tern:Contacts:PlanPath", e.Key);
        Assert.Contains("owlt", e.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_is_not_a_gateway_answers_409()
    {
        using var directory = new TempDirectory("admin-contacts-domain");
        await using var domain = await AdminNode.StartAsync("a.example", directory.Path);
        using var get = await domain.Http.GetAsync("/admin/v1/contacts");
        Assert.Equal(HttpStatusCode.Conflict, get.StatusCode);
        using var put = await domain.Http.PutAsync("/admin/v1/contacts", Json(Plan(("g-b", "b.example", 0))));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
    }

    /// <summary>A plan of contacts from g.example, each 30 s on / 30 s off for 100 cycles from <see cref="Opens"/> plus an offset in seconds.</summary>
    private static string Plan(params (string Id, string Destination, int OffsetSeconds)[] contacts) =>
        "{ \"contacts\": [\n" + string.Join(",\n", contacts.Select(c => $$"""
              { "contact": "{{c.Id}}", "source": "g.example", "destination": "{{c.Destination}}", "start": "{{Iso(Opens.AddSeconds(c.OffsetSeconds))}}",
                "end": "{{Iso(Opens.AddSeconds(c.OffsetSeconds + 30))}}", "rateBitsPerSecond": 8000, "oneWayLightTimeSeconds": 0.25,
                "repeat": { "everySeconds": 60, "count": 100 } }
            """)) + "\n] }\n";

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private Task<SubmissionResult> Submit(int size, DateTimeOffset expiry, int recipients) => Submit(_node, size, expiry, recipients, "b.example");

    private static async Task<SubmissionResult> Submit(AdminNode node, int size, DateTimeOffset expiry, int recipients, string destination)
    {
        var list = Enumerable.Range(0, recipients).Select(_ => new TransitRecipient(destination, RecipientHash.NewRandom())).ToList();
        return await node.Node.Store.SubmitAsync(new SubmissionRequest { Account = "a.example", Recipients = list, TransitExpiry = expiry }, new MemoryStream(new byte[size]));
    }
}
