using System.Text;
using System.Text.RegularExpressions;
using Tern.Node.Tests;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Under <c>tern run</c> (inline socket completions, the client API's inline scheduling) a request on a kept-alive
/// connection is read on the socket engine's thread: a route marked inline answers there, any other moves to the
/// thread pool first (docs/ARCHITECTURE.md §5.1). The guard says which at trace level.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed partial class InlineRouteProcessTests : IDisposable
{
    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    [Fact]
    public async Task An_inline_route_runs_on_the_socket_thread_and_any_other_moves_to_the_pool()
    {
        var trace = new Dictionary<string, string> { ["Logging__LogLevel__Tern.Node.Surfaces"] = "Trace" };
        using var node = NodeProcess.Start(_domain.DataDirectory, _domain.Switches(), trace);
        var ports = await node.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{ports.ClientApi}"), Timeout = TimeSpan.FromSeconds(30) };

        // One connection, kept alive: its first request may be read on the pool thread that accepted it, the next ones
        // wait for their bytes and are read where the socket engine completes the wait.
        for (var i = 0; i < 3; i++)
        {
            using var capabilities = await http.GetAsync(new Uri("/v1/capabilities", UriKind.Relative));
            Assert.True(capabilities.IsSuccessStatusCode);
            using var session = await http.PostAsync(new Uri("/v1/sessions", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.False(session.IsSuccessStatusCode);
        }

        Assert.True(await Eventually.TrueAsync(() => Inline().IsMatch(node.Output) && Moved().IsMatch(node.Output), TimeSpan.FromSeconds(30)), node.Output);
        Assert.DoesNotMatch(InlineSessions(), node.Output);
        Assert.DoesNotMatch(MovedCapabilities(), node.Output);
        await node.StopAsync(TimeSpan.FromSeconds(30));
    }

    [GeneratedRegex(@"Request to [^\n]*GET /v1/capabilities[^\n]* runs inline on the socket thread")]
    private static partial Regex Inline();

    [GeneratedRegex(@"Request to [^\n]*POST /v1/sessions[^\n]* moved from the socket thread to the thread pool")]
    private static partial Regex Moved();

    [GeneratedRegex(@"Request to [^\n]*POST /v1/sessions[^\n]* runs inline")]
    private static partial Regex InlineSessions();

    [GeneratedRegex(@"Request to [^\n]*GET /v1/capabilities[^\n]* moved")]
    private static partial Regex MovedCapabilities();
}
