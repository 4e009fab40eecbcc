using Tern.Admin.Tests;

namespace Tern.Cli.Tests;

/// <summary><c>tern admin contacts show</c> and <c>load</c> against a running gateway.</summary>
public sealed class ContactsCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("cli-contacts");
    private AdminNode _node = null!;

    private string Data => _directory.File("node");

    public async Task InitializeAsync()
    {
        Assert.Equal(0, (await CliRun.InvokeAsync(_directory.Path, "init", "--domain", "g.example", "--data-dir", Data)).ExitCode);
        _node = await AdminNode.StartAsync("g.example", Data, new Dictionary<string, string?>
        {
            ["Tern:Node:Role"] = "Gateway",
            ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0",
            ["Tern:Gateway:Senders:0"] = "a.example",
        });
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Load_puts_a_plan_in_force_show_lists_it_and_a_bad_plan_fails_naming_its_field()
    {
        var plan = """
            { "contacts": [ { "contact": "leo", "source": "g.example", "destination": "b.example", "start": "2030-01-01T00:00:00Z",
              "end": "2030-01-01T00:10:00Z", "rateBitsPerSecond": 50000000, "oneWayLightTimeSeconds": 0.02, "repeat": { "everySeconds": 5400 } } ] }
            """;
        await File.WriteAllTextAsync(_directory.File("plan.json"), plan);
        await File.WriteAllTextAsync(_directory.File("bad.json"), plan.Replace("rateBitsPerSecond", "rateBytesPerSecond", StringComparison.Ordinal));

        var loaded = await CliRun.InvokeAsync(_directory.Path, "admin", "contacts", "load", _directory.File("plan.json"), "--data-dir", Data);
        Assert.True(loaded.ExitCode == 0, loaded.Error);
        Assert.Equal("leo", loaded.Json().GetProperty("contacts")[0].GetProperty("contact").GetString());

        var shown = await CliRun.InvokeAsync(_directory.Path, "admin", "contacts", "show", "--data-dir", Data);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Equal(50_000_000, shown.Json().GetProperty("contacts")[0].GetProperty("rateBitsPerSecond").GetInt64());

        var bad = await CliRun.InvokeAsync(_directory.Path, "admin", "contacts", "load", _directory.File("bad.json"), "--data-dir", Data);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("(field rateBytesPerSecond)", bad.Error, StringComparison.Ordinal);
        Assert.True(_node.Node.Contacts!.Covers("b.example"));

        var missing = await CliRun.InvokeAsync(_directory.Path, "admin", "contacts", "load", _directory.File("none.json"), "--data-dir", Data);
        Assert.NotEqual(0, missing.ExitCode);
    }
}
