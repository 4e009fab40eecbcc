using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Tern.ClientApi.Tests;

/// <summary>Devices and sessions on a real node (docs/C2S.md §5): enrolment, revocation at the next request, expiry, passwords, rate limits.</summary>
public sealed class DeviceTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-devices");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("b.example", _directory.Path, new Dictionary<string, string?>
    {
        ["Tern:ClientApi:AuthFailuresPerHour"] = "3",
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_code_enrols_once_a_revoked_device_and_its_sessions_stop_at_the_next_request_and_the_log_records_both()
    {
        var (operatorClient, _) = _node.AddUser("bob");
        var (laptopId, laptopToken, laptop) = await Devices.EnrolAsync(_node, operatorClient, "laptop");
        var (phoneId, phoneToken, phone) = await Devices.EnrolAsync(_node, operatorClient, "phone", "minimal");
        Assert.Equal(22, laptopId.Length);
        Assert.StartsWith("tern_d_", laptopToken, StringComparison.Ordinal);

        // The devices file keeps hashes only.
        var file = await File.ReadAllTextAsync(Path.Combine(_directory.Path, "clientapi", "devices.json"));
        Assert.DoesNotContain(laptopToken[7..], file, StringComparison.Ordinal);

        // A code is single use.
        var code = (await Api.JsonAsync(await laptop.PostAsync("/v1/devices/codes", null), HttpStatusCode.Created)).GetProperty("code").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await _node.Http.PostAsJsonAsync("/v1/devices", new { code, name = "tablet" })).StatusCode);
        await Api.ProblemAsync(await _node.Http.PostAsJsonAsync("/v1/devices", new { code, name = "again" }), HttpStatusCode.Unauthorized);

        var list = await Api.JsonAsync(await laptop.GetAsync("/v1/devices"));
        var devices = list.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(["operator token", "laptop", "phone", "tablet"], devices.Select(d => d.GetProperty("name").GetString()));
        Assert.True(devices.Single(d => d.GetProperty("deviceId").GetString() == laptopId).GetProperty("current").GetBoolean());

        // A minimal device's session is held to references and stored messages.
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/v1/stored")).StatusCode);
        Assert.Equal("urn:tern:c2s:forbidden", (await Api.ProblemAsync(await phone.GetAsync("/v1/events"), HttpStatusCode.Forbidden)).GetProperty("type").GetString());

        // The laptop revokes the phone: its session and its token stop at once.
        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync($"/v1/devices/{phoneId}")).StatusCode);
        Assert.Equal("urn:tern:c2s:device-revoked", (await Api.ProblemAsync(await phone.GetAsync("/v1/stored"), HttpStatusCode.Unauthorized)).GetProperty("type").GetString());
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions");
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", phoneToken);
        await Api.ProblemAsync(await _node.Http.SendAsync(again), HttpStatusCode.Unauthorized);
        await Api.ProblemAsync(await laptop.DeleteAsync($"/v1/devices/{phoneId}"), HttpStatusCode.NotFound);

        // A device token is not a session.
        using var raw = _node.ClientFor(laptopToken);
        await Api.ProblemAsync(await raw.GetAsync("/v1/me"), HttpStatusCode.Unauthorized);

        var events = (await Api.JsonAsync(await laptop.GetAsync("/v1/events"))).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "device_changed").Select(e => (e.GetProperty("name").GetString(), e.GetProperty("revoked").GetBoolean())).ToList();
        Assert.Equal([("laptop", false), ("phone", false), ("tablet", false), ("phone", true)], events);

        // The operator's token is a device too: revoked, it stops working.
        var operatorId = devices[0].GetProperty("deviceId").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync($"/v1/devices/{operatorId}")).StatusCode);
        Assert.Equal("urn:tern:c2s:device-revoked", (await Api.ProblemAsync(await operatorClient.GetAsync("/v1/me"), HttpStatusCode.Unauthorized)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_password_enrols_after_a_device_set_it_and_failures_are_limited_per_account_without_saying_who_exists()
    {
        var (operatorClient, _) = _node.AddUser("dave");
        Assert.Equal("password", (await Api.ProblemAsync(await Api.PutJsonAsync(operatorClient, "/v1/me/password", new { password = "short" }), HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(operatorClient, "/v1/me/password", new { password = "correct horse battery" })).StatusCode);
        var file = await File.ReadAllTextAsync(Path.Combine(_directory.Path, "clientapi", "devices.json"));
        Assert.Contains("argon2id$t=3,m=65536,p=1$", file, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", file, StringComparison.Ordinal);

        var enrolled = await Api.JsonAsync(await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "dave@b.example", password = "correct horse battery", name = "desk" }), HttpStatusCode.Created);
        Assert.StartsWith("tern_d_", enrolled.GetProperty("deviceToken").GetString(), StringComparison.Ordinal);

        // A wrong password and an unknown user read the same; after 3 failures the account waits.
        var wrong = await Api.ProblemAsync(await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "dave@b.example", password = "wrong password" }), HttpStatusCode.Unauthorized);
        var nobody = await Api.ProblemAsync(await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "nobody@b.example", password = "wrong password" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.GetProperty("detail").GetString(), nobody.GetProperty("detail").GetString());
        await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "dave@b.example", password = "wrong again" });
        await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "dave@b.example", password = "wrong thrice" });
        var limited = await _node.Http.PostAsJsonAsync("/v1/devices", new { address = "dave@b.example", password = "correct horse battery" });
        await Api.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}
