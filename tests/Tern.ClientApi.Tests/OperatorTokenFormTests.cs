using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Operators' tokens are <c>tern_u_</c> + base64url now; those issued before were <c>tern_</c> + base64url, and one in 2048
/// of them begins like a device (<c>tern_d_</c>) or session (<c>tern_s_</c>) token. Those keep working on every route and
/// open sessions, while a real device token is still refused outside <c>POST /v1/sessions</c> with the reason.
/// </summary>
public sealed class OperatorTokenFormTests : IDisposable
{
    // Tokens of the first form that a random draw can give: "tern_" + 43 characters of base64url.
    private const string LikeDevice = "tern_d_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_aBc";
    private const string LikeSession = "tern_s_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-Zyx";

    private readonly TempDirectory _directory = new("clientapi-tokenform");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task First_form_tokens_that_begin_like_device_or_session_tokens_authenticate_and_open_sessions()
    {
        Assert.Equal(48, LikeDevice.Length);
        Assert.Equal(48, LikeSession.Length);
        File.WriteAllText(Path.Combine(_directory.Path, "users.json"), $$"""
            { "version": 2, "users": [
              { "name": "dora", "address": "dora@a.example", "tokenSha256": "{{Sha256(LikeDevice)}}" },
              { "name": "sam", "address": "sam@a.example", "tokenSha256": "{{Sha256(LikeSession)}}" } ] }
            """);
        await using var node = await ApiNode.StartAsync("a.example", _directory.Path);
        using var dora = node.ClientFor(LikeDevice);
        using var sam = node.ClientFor(LikeSession);

        Assert.Equal("dora@a.example", (await Api.JsonAsync(await dora.GetAsync("/v1/me"))).GetProperty("address").GetString());
        Assert.Equal("sam@a.example", (await Api.JsonAsync(await sam.GetAsync("/v1/me"))).GetProperty("address").GetString());
        Assert.StartsWith("tern_s_", (await Devices.OpenSessionAsync(node, LikeDevice)).GetProperty("sessionToken").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("tern_s_", (await Devices.OpenSessionAsync(node, LikeSession)).GetProperty("sessionToken").GetString(), StringComparison.Ordinal);

        // A new operator token takes the new form; a device token enrolled through it still only opens sessions.
        var (carol, issued) = node.AddUser("carol");
        Assert.StartsWith("tern_u_", issued.Token, StringComparison.Ordinal);
        var (_, deviceToken, _) = await Devices.EnrolAsync(node, carol, "phone");
        using var device = node.ClientFor(deviceToken);
        var refused = await Api.ProblemAsync(await device.GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Contains("only opens sessions", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // An unknown token of either look is refused, each with its own reason.
        using var strangerSession = node.ClientFor("tern_s_" + new string('Q', 43));
        Assert.Contains("session token", (await Api.ProblemAsync(await strangerSession.GetAsync("/v1/me"), HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var stranger = node.ClientFor("tern_u_" + new string('Q', 43));
        Assert.Contains("not a user's", (await Api.ProblemAsync(await stranger.GetAsync("/v1/me"), HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
