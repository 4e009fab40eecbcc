using System.Net;
using System.Text;

namespace Tern.ClientApi.Tests;

/// <summary><c>Tern:ClientApi:InlineScheduling</c> false: Kestrel's default scheduling, no guard, the same answers.</summary>
public sealed class InlineSchedulingOffTests : IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-pooled");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task With_inline_scheduling_off_the_routes_answer_as_with_it_on()
    {
        await using var node = await ApiNode.StartAsync("a.example", _directory.Path, new Dictionary<string, string?> { ["Tern:ClientApi:InlineScheduling"] = "false" });
        Assert.False(node.Service<Microsoft.Extensions.Options.IOptions<ClientApiOptions>>().Value.InlineScheduling);
        var (alice, _) = node.AddUser("alice");

        using var capabilities = await node.Http.GetAsync(new Uri("/v1/capabilities", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, capabilities.StatusCode);
        var created = await Api.JsonAsync(await Api.SubmitAsync(alice, Encoding.UTF8.GetBytes("ciphertext"), [$"{Api.NewHash()}@b.example"]), HttpStatusCode.Created);
        var status = await Api.JsonAsync(await alice.GetAsync($"/v1/messages/{created.GetProperty("messageId").GetString()}"));
        Assert.Equal(10, status.GetProperty("size").GetInt64());
    }
}
