using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Node;

namespace Tern.Admin.Tests;

/// <summary>The operator's preferences survive a restart (<c>preferences.json</c>), and a node whose file is bad refuses to start and says where.</summary>
public sealed class PreferenceFileTests : IDisposable
{
    private readonly TempDirectory _directory = new("admin-preferences");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_override_set_through_the_admin_api_is_in_force_again_after_a_restart_and_one_taken_back_is_not()
    {
        var bob = RecipientHash.NewRandom();
        await using (var node = await AdminNode.StartAsync("a.example", _directory.Path))
        {
            await PutAsync(node, new { recipientHash = bob.ToString(), senderDomain = "Spam.Example", preference = "ignore" });
            await PutAsync(node, new { recipientHash = bob.ToString(), senderDomain = "friend.example", preference = "immediately" });
            await PutAsync(node, new { recipientHash = bob.ToString(), preference = "ignore" });
            var answer = await PutAsync(node, new { recipientHash = bob.ToString(), senderDomain = "friend.example", preference = (string?)null });
            Assert.Equal("ignore", answer.GetProperty("preference").GetString());
        }

        await using (var restarted = await AdminNode.StartAsync("a.example", _directory.Path))
        {
            Assert.Equal(PullPreference.Ignore, restarted.Node.Preferences.Lookup(bob, "spam.example"u8));
            Assert.Equal(PullPreference.Ignore, restarted.Node.Preferences.Lookup(bob, "friend.example"u8));
            Assert.Equal(
                [new OperatorPreference(bob, null, PullPreference.Ignore), new OperatorPreference(bob, "spam.example", PullPreference.Ignore)],
                restarted.Node.Preferences.OperatorEntries().OrderBy(e => e.SenderDomain ?? ""));
            using var read = JsonDocument.Parse(await restarted.Http.GetStringAsync($"/admin/v1/preferences?recipientHash={bob}&senderDomain=other.example"));
            Assert.Equal("ignore", read.RootElement.GetProperty("preference").GetString());
        }
    }

    [Theory]
    [InlineData("{", "preferences.json")]
    [InlineData("[{\"recipientHash\":\"nope\",\"preference\":\"ignore\"}]", "[0].recipientHash")]
    [InlineData("[{\"recipientHash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"preference\":\"1\"}]", "[0].preference")]
    [InlineData("[{\"recipientHash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"senderDomain\":\"not a domain\",\"preference\":\"ignore\"}]", "[0].senderDomain")]
    public async Task A_bad_preferences_file_stops_the_start_with_the_entry_and_the_rule(string content, string named)
    {
        await File.WriteAllTextAsync(TernDataDirectory.OperatorPreferencesFile(_directory.Path), content);
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await AdminNode.StartAsync("a.example", _directory.Path)).DisposeAsync());
        var configuration = error as TernConfigurationException ?? Assert.IsType<TernConfigurationException>(error.InnerException);
        Assert.Contains(named, configuration.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PutAsync(AdminNode node, object body)
    {
        using var response = await node.Http.PutAsJsonAsync("/admin/v1/preferences", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
