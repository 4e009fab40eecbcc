using System.Text.Json;
using Tern.Cli.Demo;
using Tern.Engine.Protocol;

namespace Tern.E2e.Tests;

/// <summary>
/// alice@a.example and bob@b.example made with <c>tern user add</c>, bob watching a fresh hash and pulling a.example at
/// once: the smallest set-up a message needs, every step through the <c>tern</c> command.
/// </summary>
internal sealed class Correspondents
{
    private Correspondents(DemoUser alice, DemoUser bob, string bobHash)
    {
        Alice = alice;
        Bob = bob;
        BobHash = bobHash;
    }

    public DemoUser Alice { get; }

    public DemoUser Bob { get; }

    public string BobHash { get; }

    public static async Task<Correspondents> CreateAsync(DemoCluster cluster)
    {
        var alice = cluster.User("alice", cluster.A);
        var bob = cluster.User("bob", cluster.B);
        foreach (var (user, node) in new[] { (alice, cluster.A), (bob, cluster.B) })
        {
            await user.JsonAsync("user", "add", "--name", user.Name, "--address", user.Address, "--data-dir", node.DataDirectory, "--save", node.ClientApi.ToString());
        }

        var hash = RecipientHash.NewRandom().ToString();
        Assert.Equal(0, (await bob.RunAsync("hash", "add", hash)).ExitCode);
        Assert.Equal(0, (await bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
        return new Correspondents(alice, bob, hash);
    }

    /// <summary>alice sends <paramref name="path"/> to bob; the message id.</summary>
    public async Task<string> SendAsync(string path)
    {
        var sent = await Alice.JsonAsync("send", path, "--to", $"{BobHash}@b.example");
        Assert.Equal(new FileInfo(path).Length, sent.GetProperty("size").GetInt64());
        return sent.GetProperty("messageId").GetString()!;
    }

    /// <summary>bob's next reference, waited for with <c>tern poll --wait</c>.</summary>
    public async Task<JsonElement> PollAsync()
    {
        var page = await Bob.JsonAsync("poll", "--hash", BobHash, "--wait", "20");
        return Assert.Single(page.GetProperty("references").EnumerateArray());
    }

    /// <summary>The id of bob's one stored message, once b.example has pulled it (<c>tern stored</c>).</summary>
    public async Task<string> StoredAsync(TimeSpan timeout)
    {
        JsonElement list = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            list = await Bob.JsonAsync("stored", "--hash", BobHash);
            return list.GetProperty("messages").GetArrayLength() > 0;
        }, timeout), $"b.example stored nothing for bob within {timeout}");
        var message = Assert.Single(list.GetProperty("messages").EnumerateArray());
        Assert.Equal("a.example", message.GetProperty("senderDomain").GetString());
        return message.GetProperty("id").GetString()!;
    }

    /// <summary><c>tern fetch</c> until b.example has pulled the message (exit 4 before); the last result.</summary>
    public async Task<CommandResult> FetchWhenPulledAsync(string capability, string output, TimeSpan timeout)
    {
        CommandResult fetched = null!;
        var done = await Eventually.TrueAsync(async () =>
        {
            fetched = await Bob.RunAsync("fetch", capability, "--out", output, "--json");
            Assert.True(fetched.ExitCode is 0 or 4, fetched.Output);
            return fetched.ExitCode == 0;
        }, timeout);
        Assert.True(done, $"bob's message was not pulled within {timeout}: {fetched.Output}");
        return fetched;
    }

    /// <summary>The state of the message's one delivery, as <c>tern status</c> reports it to alice.</summary>
    public async Task<string> StateAsync(string messageId)
        => (await Alice.JsonAsync("status", messageId)).GetProperty("deliveries")[0].GetProperty("state").GetString()!;

    /// <summary>A file of <paramref name="bytes"/> random bytes in alice's home.</summary>
    public string RandomFile(string name, int bytes)
    {
        var content = new byte[bytes];
        Random.Shared.NextBytes(content);
        var path = Alice.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
