using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Every route, tried without a token, with a wrong one, and with another user's on the first user's things: 401 for the
/// first two, and for the third nothing of the first user's is seen or changed. The table of routes is checked against
/// the OpenAPI document, so a route added without a line here fails.
/// </summary>
public sealed class IsolationTests() : TwoApiNodes("clientapi-isolation")
{
    [Fact]
    public async Task Another_users_token_sees_and_changes_nothing_of_the_first_users_on_every_route()
    {
        // bob owns a hash with a stored message and a reference waiting; alice (his sender here) sent him both.
        var (alice, _) = A.AddUser("alice");
        var (bob, _) = B.AddUser("bob");
        var (eve, _) = B.AddUser("eve");
        var (mallory, _) = A.AddUser("mallory");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" });
        await bob.PutAsync("/v1/blocks/spam.example", null);
        var sent = await Api.JsonAsync(await Api.SubmitAsync(alice, [1, 2, 3], [$"{hash}@b.example"]), HttpStatusCode.Created);
        var messageId = sent.GetProperty("messageId").GetString();
        string? storedId = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            storedId = (await Api.JsonAsync(await bob.GetAsync("/v1/stored"))).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).FirstOrDefault();
            return storedId is not null;
        }, TimeSpan.FromSeconds(20)));

        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{messageId}"))).GetProperty("deliveries")[0].GetProperty("fetched").GetBoolean()));

        // alice has published keys and holds a reservation with part of a blob uploaded.
        await Api.JsonAsync(await alice.PostAsJsonAsync("/v1/keys", new { signingKey = Api.NewHash(), agreementKey = Api.NewHash() }), HttpStatusCode.Created);
        var reservation = (await Api.JsonAsync(await alice.PostAsync("/v1/reservations", null), HttpStatusCode.Created)).GetProperty("messageId").GetString()!;
        await Api.JsonAsync(await alice.PutAsync($"/v1/reservations/{reservation}/blob", new ByteArrayContent([1, 2, 3])));
        // A reference bob has not pulled (from mallory, whose retransmissions are outside the snapshot), and a device of his to revoke.
        var waiting = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{waiting}", null);
        await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "whenRequested" });
        await Api.JsonAsync(await Api.SubmitAsync(mallory, [4, 5], [$"{waiting}@b.example"]), HttpStatusCode.Created);
        string? pending = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            pending = (await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={waiting}"))).GetProperty("references").EnumerateArray().Select(r => r.GetProperty("capability").GetString()).FirstOrDefault();
            return pending is not null;
        }, TimeSpan.FromSeconds(20)));
        var (bobDevice, _, revoked) = await Devices.EnrolAsync(B, bob, "old phone");

        // (method, path template, concrete path, the node, the intruder, expected status for the intruder)
        var routes = new List<(string Method, string Template, string Path, ApiNode Node, HttpClient Intruder, HttpStatusCode Expected)>
        {
            ("POST", "/v1/messages", $"/v1/messages?to={Api.NewHash()}@b.example", A, mallory, HttpStatusCode.Created),
            ("POST", "/v1/messages/batch", "/v1/messages/batch", A, mallory, HttpStatusCode.UnsupportedMediaType),
            ("GET", "/v1/messages", "/v1/messages", A, mallory, HttpStatusCode.OK),
            ("GET", "/v1/messages/{messageId}", $"/v1/messages/{messageId}", A, mallory, HttpStatusCode.NotFound),
            ("DELETE", "/v1/messages/{messageId}", $"/v1/messages/{messageId}", A, mallory, HttpStatusCode.NotFound),
            ("GET", "/v1/references", $"/v1/references?hash={hash}", B, eve, HttpStatusCode.NotFound),
            ("GET", "/v1/stored", "/v1/stored", B, eve, HttpStatusCode.OK),
            ("GET", "/v1/stored/{id}", $"/v1/stored/{storedId}", B, eve, HttpStatusCode.NotFound),
            ("DELETE", "/v1/stored/{id}", $"/v1/stored/{storedId}", B, eve, HttpStatusCode.NotFound),
            ("GET", "/v1/me", "/v1/me", B, eve, HttpStatusCode.OK),
            ("GET", "/v1/hashes", "/v1/hashes", B, eve, HttpStatusCode.OK),
            ("PUT", "/v1/hashes/{hash}", $"/v1/hashes/{hash}", B, eve, HttpStatusCode.Conflict),
            ("DELETE", "/v1/hashes/{hash}", $"/v1/hashes/{hash}", B, eve, HttpStatusCode.NotFound),
            ("GET", "/v1/preferences", "/v1/preferences", B, eve, HttpStatusCode.OK),
            ("PUT", "/v1/preferences/{senderDomain}", "/v1/preferences/a.example", B, eve, HttpStatusCode.NoContent),
            ("DELETE", "/v1/preferences/{senderDomain}", "/v1/preferences/a.example", B, eve, HttpStatusCode.NoContent),
            ("GET", "/v1/blocks", "/v1/blocks", B, eve, HttpStatusCode.OK),
            ("PUT", "/v1/blocks/{senderDomain}", "/v1/blocks/a.example", B, eve, HttpStatusCode.NoContent),
            ("DELETE", "/v1/blocks/{senderDomain}", "/v1/blocks/spam.example", B, eve, HttpStatusCode.NoContent),
            ("POST", "/v1/reservations", "/v1/reservations", A, mallory, HttpStatusCode.UnsupportedMediaType),
            ("PUT", "/v1/reservations/{messageId}/blob", $"/v1/reservations/{reservation}/blob", A, mallory, HttpStatusCode.NotFound),
            ("HEAD", "/v1/reservations/{messageId}/blob", $"/v1/reservations/{reservation}/blob", A, mallory, HttpStatusCode.NotFound),
            ("POST", "/v1/reservations/{messageId}/send", $"/v1/reservations/{reservation}/send", A, mallory, HttpStatusCode.NotFound),
            ("DELETE", "/v1/reservations/{messageId}", $"/v1/reservations/{reservation}", A, mallory, HttpStatusCode.NotFound),
            ("GET", "/v1/keys", "/v1/keys", A, mallory, HttpStatusCode.NotFound),
            ("POST", "/v1/keys", "/v1/keys", A, mallory, HttpStatusCode.UnsupportedMediaType),
            ("POST", "/v1/keys/rotate", "/v1/keys/rotate", A, mallory, HttpStatusCode.UnsupportedMediaType),
            ("POST", "/v1/keys/revoke", "/v1/keys/revoke", A, mallory, HttpStatusCode.UnsupportedMediaType),

            // A published bundle is public (docs/PROTOCOL.md §14.4): the directory shows it to anyone, and nothing else.
            ("GET", "/v1/directory/{address}", "/v1/directory/alice@a.example", A, mallory, HttpStatusCode.OK),
            ("GET", "/v1/capabilities", "/v1/capabilities", B, eve, HttpStatusCode.OK),
            ("POST", "/v1/devices", "/v1/devices", B, eve, HttpStatusCode.Unauthorized),
            ("POST", "/v1/sessions", "/v1/sessions", B, eve, HttpStatusCode.OK),
            ("POST", "/v1/devices/codes", "/v1/devices/codes", B, eve, HttpStatusCode.Created),
            ("GET", "/v1/devices", "/v1/devices", B, eve, HttpStatusCode.OK),
            ("DELETE", "/v1/devices/{deviceId}", $"/v1/devices/{bobDevice}", B, eve, HttpStatusCode.NotFound),
            ("PUT", "/v1/me/password", "/v1/me/password", B, eve, HttpStatusCode.NoContent),
            ("GET", "/v1/events", "/v1/events", B, eve, HttpStatusCode.OK),
            ("GET", "/v1/events/stream", "/v1/events/stream", B, eve, HttpStatusCode.OK),
            ("PATCH", "/v1/stored/{id}", $"/v1/stored/{storedId}", B, eve, HttpStatusCode.NotFound),
            ("GET", "/v1/labels", "/v1/labels", B, eve, HttpStatusCode.OK),
            ("DELETE", "/v1/labels/{label}", "/v1/labels/inbox", B, eve, HttpStatusCode.NotFound),
            ("GET", "/v1/policy", "/v1/policy", B, eve, HttpStatusCode.OK),
            ("PUT", "/v1/policy", "/v1/policy", B, eve, HttpStatusCode.OK),
            ("POST", "/v1/references/{capability}/actions", $"/v1/references/{pending}/actions", B, eve, HttpStatusCode.NotFound),
        };
        var open = new HashSet<string>(StringComparer.Ordinal) { "GET /v1/capabilities", "POST /v1/devices", "POST /v1/sessions" };

        var served = await ServedRoutesAsync(A);
        Assert.Equal(served.Order(), routes.Select(r => $"{r.Method} {r.Template}").Order());

        var before = await SnapshotAsync(alice, bob);
        foreach (var (method, template, path, node, intruder, expected) in routes)
        {
            // The unauthenticated routes answer without a token (POST /v1/sessions refuses one it does not know: 401 too).
            var anonymousTokens = open.Contains($"{method} {template}") && template != "/v1/sessions" ? [] : new[] { null, "tern_not-a-token", "x" };
            foreach (var token in anonymousTokens)
            {
                using var anonymous = token is null ? new HttpClient { BaseAddress = node.Http.BaseAddress } : node.ClientFor(token);
                var refused = await anonymous.SendAsync(Request(method, path));
                if (method == "HEAD")
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                    continue;
                }

                var problem = await Api.ProblemAsync(refused, HttpStatusCode.Unauthorized);
                Assert.Equal("Authorization", problem.GetProperty("field").GetString());
            }

            using var response = await intruder.SendAsync(Request(method, path), HttpCompletionOption.ResponseHeadersRead);
            if (path.EndsWith("/stream", StringComparison.Ordinal))
            {
                // A stream that works never ends: its status and type are the answer.
                Assert.Equal(expected, response.StatusCode);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
                continue;
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}: {text}");
            Assert.DoesNotContain(hash, text, StringComparison.Ordinal);
            Assert.DoesNotContain(messageId!, text, StringComparison.Ordinal);
            Assert.DoesNotContain(storedId!, text, StringComparison.Ordinal);
            Assert.DoesNotContain(reservation, text, StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Upload-Offset"), $"{method} {path} says how much of alice's upload arrived");
        }

        Assert.Equal(before, await SnapshotAsync(alice, bob));

        // Across all hashes (no hash): eve's listing holds none of bob's references, however far back she reads.
        var everything = await eve.GetStringAsync("/v1/references?after=0&limit=1000");
        Assert.DoesNotContain(pending!, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(waiting, everything, StringComparison.Ordinal);
        Assert.Contains(pending!, await bob.GetStringAsync("/v1/references"), StringComparison.Ordinal);

        // A revoked device's session gets 401 device-revoked on every authenticated route, and changes nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync($"/v1/devices/{bobDevice}")).StatusCode);
        before = await SnapshotAsync(alice, bob);
        foreach (var (method, template, path, node, _, _) in routes)
        {
            if (node != B || open.Contains($"{method} {template}"))
            {
                continue;
            }

            using var response = await revoked.SendAsync(Request(method, path));
            var problem = await Api.ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("urn:tern:c2s:device-revoked", problem.GetProperty("type").GetString());
        }

        var all = await Api.ProblemAsync(await revoked.GetAsync("/v1/references"), HttpStatusCode.Unauthorized);
        Assert.Equal("urn:tern:c2s:device-revoked", all.GetProperty("type").GetString());

        Assert.Equal(before, await SnapshotAsync(alice, bob));
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new ByteArrayContent([7]);
        }
        else if (method == "PUT" && path.Contains("/preferences/", StringComparison.Ordinal))
        {
            request.Content = new StringContent("{\"pull\":\"ignore\"}", System.Text.Encoding.UTF8, "application/json");
        }

        var json = path switch
        {
            "/v1/devices" => "{\"code\":\"tern_c_not-a-code\"}",
            "/v1/me/password" => "{\"password\":\"another password\"}",
            "/v1/policy" when method == "PUT" => "{\"version\":1,\"defaultPull\":\"ignore\",\"retentionDays\":1,\"trashDays\":1,\"largeTransferBytes\":1,\"largeTransfer\":\"ignore\"}",
            _ when path.EndsWith("/actions", StringComparison.Ordinal) => "{\"action\":\"ignore\"}",
            _ when method == "PATCH" => "{\"add\":[\"mine\"]}",
            _ when method == "PUT" && path.StartsWith("/v1/hashes/", StringComparison.Ordinal) => "{\"kind\":\"token\"}",
            _ => null,
        };
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>What alice and bob can see of their own: the intruder's requests must leave it as it was.</summary>
    private static async Task<string> SnapshotAsync(HttpClient alice, HttpClient bob)
    {
        var parts = new List<string>();
        foreach (var (client, path) in new[] { (alice, "/v1/messages"), (alice, "/v1/keys"), (bob, "/v1/me"), (bob, "/v1/stored"), (bob, "/v1/preferences"), (bob, "/v1/blocks"), (bob, "/v1/events"), (bob, "/v1/labels"), (bob, "/v1/policy") })
        {
            parts.Add(await client.GetStringAsync(path));
        }

        return string.Join('\n', parts);
    }

    /// <summary>Every "METHOD /path" of the API in the OpenAPI document the node serves.</summary>
    internal static async Task<List<string>> ServedRoutesAsync(ApiNode node)
    {
        using var document = JsonDocument.Parse(await node.Http.GetStringAsync("/openapi/v1.json"));
        var routes = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                routes.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
            }
        }

        return routes;
    }
}
