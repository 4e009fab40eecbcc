using System.Text.Json;
using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 15, "Done when", with real <c>tern run</c> processes and every step through the <c>tern</c> command: two devices
/// of one user converge through the event log and its push (one labels and deletes, the other follows
/// <c>tern events --follow</c>); a key rotation at bob's domain reaches alice's client, which refuses to send until she
/// accepts the change, and reaches bob's other device as a <c>key_changed</c> event.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class DeviceSyncTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Two_devices_of_bob_converge_through_the_log_and_push_and_a_key_rotation_warns_alice_before_she_sends()
    {
        Processes.RequireDnsmasq();
        var narrator = new DemoNarrator(new OutputWriter(output));
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions(), narrator);
        var people = await Correspondents.CreateAsync(cluster);
        var (alice, laptop) = (people.Alice, people.Bob);

        // bob's phone enrols with a one-time code minted on his laptop, and follows his events from the log's end.
        var phone = cluster.User("bob-phone", cluster.B);
        var code = (await laptop.JsonAsync("devices", "code")).GetProperty("code").GetString()!;
        Assert.Equal(0, (await phone.RunAsync("login", "--server", cluster.B.ClientApi.ToString(), "--code", code, "--name", "phone")).ExitCode);
        var start = Next(await phone.RunAsync("events"));
        var follow = phone.RunAsync("events", "--follow", "--json", "--after", start, "--count", "3");

        // alice writes; b.example pulls at once; the laptop labels the message, then deletes it.
        var letter = alice.File("letter.txt");
        await File.WriteAllTextAsync(letter, "for bob's devices");
        await people.SendAsync(letter);
        var id = await people.StoredAsync(TimeSpan.FromSeconds(30));

        // b.example restarts under the phone's open stream: the phone reconnects where it was (Last-Event-ID) with a new
        // session (the node kept sessions in memory), and misses nothing.
        await RestartAsync(cluster, cluster.B, []);
        Assert.Equal(0, (await laptop.RunAsync("label", "add", id, "family")).ExitCode);
        Assert.Equal(id, (await phone.JsonAsync("stored", "--label", "family")).GetProperty("messages")[0].GetProperty("id").GetString());

        // What the phone was pushed, in order: the arrival, the pull, the label.
        var followed = await follow;
        Assert.True(followed.ExitCode == 0, followed.Output);
        var events = followed.StandardOutput.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(["received", "pulled", "labels_changed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(id, events[1].GetProperty("id").GetString());
        Assert.Equal(["family", "inbox"], events[^1].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        // The laptop deletes the label everywhere; the phone's next look at the log says so, and its list agrees.
        Assert.Equal(0, (await laptop.RunAsync("label", "delete", "family")).ExitCode);
        var cursor = events[^1].GetProperty("sequence").GetString()!;
        var tail = Lines(await phone.RunAsync("events", "--after", cursor, "--json"));
        var relabelled = Assert.Single(tail, e => e.GetProperty("type").GetString() == "labels_changed");
        Assert.Equal(["inbox"], relabelled.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty((await phone.JsonAsync("stored", "--label", "family")).GetProperty("messages").EnumerateArray());
        cursor = tail[^1].GetProperty("sequence").GetString()!;

        // a.example's directory proxy answers from its cache for up to 5 minutes (C2S.md §12): without it, a rotation
        // reaches alice's client at her next send.
        await RestartAsync(cluster, cluster.A, [new("Tern:ClientApi:DirectoryCacheTime", "00:00:00")]);

        // Keys: both publish; alice's first sealed send by address learns bob's fingerprint.
        foreach (var user in new[] { alice, laptop })
        {
            Assert.Equal(0, (await user.RunAsync("keys", "new", "--out", user.File("user.key"))).ExitCode);
            Assert.Equal(0, (await user.RunAsync("keys", "publish", "--key", user.File("user.key"))).ExitCode);
        }

        var first = await alice.RunAsync("send", letter, "--to", laptop.Address, "--key", alice.File("user.key"));
        Assert.True(first.ExitCode == 0, first.Output);

        // bob rotates at b.example; alice's client warns and sends nothing (exit 1) until she accepts.
        Assert.Equal(0, (await laptop.RunAsync("keys", "new", "--out", laptop.File("user-2.key"))).ExitCode);
        Assert.Equal("superseded", (await laptop.JsonAsync("keys", "rotate", "--key", laptop.File("user-2.key"))).GetProperty("reason").GetString());
        var sentBefore = (await alice.JsonAsync("status")).GetProperty("messages").GetArrayLength();
        var refused = await alice.RunAsync("send", letter, "--to", laptop.Address, "--key", alice.File("user.key"));
        Assert.True(refused.ExitCode == 1, refused.Output);
        Assert.Contains($"warning: {laptop.Address}'s key changed", refused.Output, StringComparison.Ordinal);
        Assert.Equal(sentBefore, (await alice.JsonAsync("status")).GetProperty("messages").GetArrayLength());
        var accepted = await alice.RunAsync("send", letter, "--to", laptop.Address, "--key", alice.File("user.key"), "--accept-key-change");
        Assert.True(accepted.ExitCode == 0, accepted.Output);

        // bob's phone learns both of his records from the log: the canary's trigger on another device.
        var changes = Lines(await phone.RunAsync("events", "--after", cursor, "--json")).Where(e => e.GetProperty("type").GetString() == "key_changed").ToList();
        Assert.Equal(["published", "superseded"], changes.Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal(changes[0].GetProperty("fingerprint").GetString(), changes[1].GetProperty("previous").GetString());

        await cluster.StopAsync();
    }

    /// <summary>Stops <paramref name="node"/> (SIGTERM) and starts it again with <paramref name="settings"/>, its client API where it was (the users' saved configurations name it).</summary>
    private static async Task RestartAsync(DemoCluster cluster, DemoNode node, KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>[] settings)
    {
        var clientApi = node.ClientApi;
        await node.StopAsync();
        node.Configure([new("Tern:ClientApi:Listen", clientApi.Authority), .. settings]);
        await node.StartAsync();
        await cluster.RepublishAsync();
    }

    /// <summary>The events a <c>tern events --json</c> run printed, one a line.</summary>
    private static List<JsonElement> Lines(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.Output);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>The cursor a <c>tern events</c> run ends with (<c>next N</c>, its last line on standard error).</summary>
    private static string Next(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.Output);
        var line = result.Output.Trim().Split('\n').Last(l => l.StartsWith("next ", StringComparison.Ordinal));
        return line[5..].Trim();
    }
}
