using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol;
using Tern.Node;
using Tern.Node.Tests;

namespace Tern.ClientApi.Tests;

/// <summary>
/// <c>tern run</c> killed (SIGKILL) while its clients register hashes as fast as it answers: the user's settings file is
/// whole (the settings before some write or after it, never a mix or a torn file), holds every registration the node
/// answered, and nothing no client asked for; the next start serves exactly what the file holds.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class UserSettingsCrashTests : IDisposable
{
    private const int Clients = 4;

    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    [Fact]
    public async Task A_node_killed_while_it_writes_a_users_settings_leaves_them_whole_with_every_answered_registration()
    {
        var token = UserDirectory.Open(_domain.DataDirectory).Add("alice", "alice@a.example").Token;
        var asked = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var answered = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var settingsFile = Path.Combine(_domain.DataDirectory, "users", "alice.json");
        for (var round = 0; round < 3; round++)
        {
            using (var node = NodeProcess.Start(_domain.DataDirectory, _domain.Switches()))
            {
                using var http = Client(await node.WaitReadyAsync(), token);
                Assert.Equal(answered.Keys.Order(StringComparer.Ordinal), await HashesAsync(http));

                // Several clients at once, so that when the kill comes a write is almost always under way.
                using var stop = new CancellationTokenSource();
                var before = answered.Count;
                var writers = Enumerable.Range(0, Clients).Select(_ => Task.Run(() => RegisterUntilStoppedAsync(http, asked, answered, stop.Token))).ToArray();
                Assert.True(await Eventually.TrueAsync(() => answered.Count >= before + 40, TimeSpan.FromSeconds(60)), node.Output);
                await Task.Delay(Random.Shared.Next(0, 40));
                node.KillHard();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            // Whole, with every registration answered, and only registrations some client asked for.
            using var file = JsonDocument.Parse(await File.ReadAllBytesAsync(settingsFile));
            var held = file.RootElement.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!).ToHashSet(StringComparer.Ordinal);
            Assert.DoesNotContain(answered.Keys, h => !held.Contains(h));
            Assert.DoesNotContain(held, h => !asked.ContainsKey(h));

            // A registration that was written but not answered before the kill is the node's now: count it answered.
            foreach (var hash in held)
            {
                answered.TryAdd(hash, true);
            }
        }
    }

    private static async Task RegisterUntilStoppedAsync(HttpClient http, ConcurrentDictionary<string, bool> asked, ConcurrentDictionary<string, bool> answered, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var hash = RecipientHash.NewRandom().ToString();
            asked[hash] = true;
            try
            {
                using var response = await http.PutAsync(new Uri($"/v1/hashes/{hash}", UriKind.Relative), null, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    answered[hash] = true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException)
            {
                // The node is gone (a connection it accepted and dropped can surface as the socket's own error).
                return;
            }
        }
    }

    private static async Task<List<string>> HashesAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/hashes", UriKind.Relative)));
        return [.. document.RootElement.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!).Order(StringComparer.Ordinal)];
    }

    private static HttpClient Client(NodePorts ports, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{ports.ClientApi}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
