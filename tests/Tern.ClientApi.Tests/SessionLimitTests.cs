using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Tern.ClientApi.Tests;

/// <summary>Session expiry and the per-source limit of the unauthenticated routes, on a node with short sessions and a low limit.</summary>
public sealed class SessionLimitTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-sessions");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("b.example", _directory.Path, new Dictionary<string, string?>
    {
        ["Tern:ClientApi:AuthRequestsPerMinute"] = "8",
        ["Tern:ClientApi:SessionLifetime"] = "00:00:02",
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_session_expires_the_device_opens_another_then_the_source_is_limited_with_retry_after()
    {
        var (operatorClient, _) = _node.AddUser("carol");
        var (_, token, client) = await Devices.EnrolAsync(_node, operatorClient, "laptop");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/me")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal("urn:tern:c2s:session-expired", (await Api.ProblemAsync(await client.GetAsync("/v1/me"), HttpStatusCode.Unauthorized)).GetProperty("type").GetString());
        var session = await Devices.OpenSessionAsync(_node, token);
        Assert.Contains("events", session.GetProperty("capabilities").GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        using var renewed = _node.ClientFor(session.GetProperty("sessionToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/v1/me")).StatusCode);

        // The node allows 8 unauthenticated requests a minute from one source: 2 used above.
        HttpResponseMessage? last = null;
        for (var i = 0; i < 9 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "tern_d_nothing");
            last = await _node.Http.SendAsync(request);
        }

        var problem = await Api.ProblemAsync(last!, HttpStatusCode.TooManyRequests);
        Assert.Equal("urn:tern:c2s:rate-limited", problem.GetProperty("type").GetString());
        Assert.InRange(last!.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        await Api.ProblemAsync(await _node.Http.PostAsJsonAsync("/v1/devices", new { code = "tern_c_x" }), HttpStatusCode.TooManyRequests);
    }
}
