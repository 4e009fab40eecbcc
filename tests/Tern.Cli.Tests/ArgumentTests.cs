namespace Tern.Cli.Tests;

/// <summary>
/// Bad command lines (issue 14, "Bad input": CLI arguments): each command with a missing or invalid value exits 2 with a
/// message naming the option, and changes nothing — no file written, no client configuration, no request made (no
/// server is configured, so a command that got past parsing would exit 3 instead).
/// </summary>
public sealed class ArgumentTests : IDisposable
{
    private const string Hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private readonly TempDirectory _home = new("cli-args");

    public static TheoryData<string, string[]> BadCommandLines() => new()
    {
        { "--to", ["send"] },
        { "--to", ["send", "--to", "Bob Smith@b.example"] },
        { "--key", ["send", "--to", "bob@b.example"] },
        { "--key", ["send", "--to", $"{Hash}@b.example", "--seal-to", Hash] },
        { "--to", ["send", "--to", "bob@b.example", "--to", $"{Hash}@b.example", "--key", "k"] },
        { "--to", ["send", "--to", $"{Hash}@b.example", "--to", $"{Hash}@c.example", "--seal-to", Hash, "--key", "k"] },
        { "--announce", ["send", "--to", $"{Hash}@b.example", "--announce"] },
        { "--to", ["send", "--to", $"{Hash}@"] },
        { "no such file", ["send", "missing.bin", "--to", $"{Hash}@b.example"] },
        { "--expires", ["send", "--to", $"{Hash}@b.example", "--expires", "tomorrow"] },
        { "--expires", ["send", "--to", $"{Hash}@b.example", "--expires", "0d"] },
        { "--seal-to", ["send", "--to", $"{Hash}@b.example", "--seal-to", "not-a-key"] },
        { "--idempotency-key", ["send", "--to", $"{Hash}@b.example", "--idempotency-key", new string('k', 129)] },
        { "--server", ["send", "--to", $"{Hash}@b.example", "--server", "ftp://node.example"] },
        { "--hash", ["poll"] },
        { "--hash", ["poll", "--hash", "short"] },
        { "--limit", ["poll", "--hash", Hash, "--limit", "1001"] },
        { "--wait", ["poll", "--hash", Hash, "--wait", "soon"] },
        { "--after", ["poll", "--hash", Hash, "--after", "x"] },
        { "--hash", ["refs", "list", "--hash", "short"] },
        { "--limit", ["refs", "list", "--limit", "0"] },
        { "--wait", ["refs", "list", "--wait", "soon"] },
        { "--after", ["refs", "list", "--after", "-1"] },
        { "capability", ["refs", "pull"] },
        { "capability", ["refs", "delegate", "short"] },
        { "capability", ["refs", "ignore", "not-a-capability"] },
        { "frob", ["refs", "frob", Hash] },
        { "--hash", ["stored", "--hash", "short"] },
        { "id", ["fetch", "short"] },
        { "--resume", ["fetch", Hash, "--resume"] },
        { "--range", ["fetch", Hash, "--range", "9-2", "--out", "x"] },
        { "--open-with", ["fetch", Hash, "--open-with", "k", "--range", "0-9", "--out", "x"] },
        { "--json", ["fetch", Hash, "--json"] },
        { "message-id", ["status", "nope"] },
        { "message-id", ["retract", "nope"] },
        { "--server", ["login", "--token", "tern_x"] },
        { "--domain", ["init", "--data-dir", "node"] },
        { "--address", ["user", "add", "--name", "alice", "--data-dir", "node"] },
        { "--name", ["user", "token", "--data-dir", "node"] },
        { "--out", ["keys", "new"] },
        { "--key", ["keys", "publish"] },
        { "--key", ["keys", "rotate"] },
        { "--overlap", ["keys", "rotate-domain"] },
        { "--overlap", ["keys", "rotate-domain", "--overlap", "soon"] },
        { "--overlap", ["keys", "rotate-domain", "--overlap", "31d"] },
        { "--overlap", ["admin", "rotate-keys", "--overlap", "0s"] },
        { "--lookup", ["keys", "check", "--key", "k"] },
        { "--lookup", ["keys", "check", "--key", "k", "--lookup", "ftp://node.example:1"] },
        { "--bogus", ["version", "--bogus"] },
        { "--nope", ["demo", "--nope"] },
        { "domain", ["peers", "not a domain"] },
        { "--name-server", ["peers", "b.example", "--name-server", "localhost"] },
        { "--static-peers", ["peers", "b.example", "--static-peers", "missing.json"] },
        { "--descriptor-port", ["doctor", "--descriptor-port", "70000"] },
        { "--bogus", ["doctor", "--bogus"] },
        { "hash", ["hash", "add", "short"] },
        { "hash", ["hash", "remove"] },
        { "hash", ["hash", "add"] },
        { "hash", ["hash", "add", Hash, "--from", "alice@a.example", "--key", "k"] },
        { "--key", ["hash", "add", "--from", "alice@a.example"] },
        { "--from", ["hash", "add", "--from", "not an address", "--key", "k"] },
        { "--kind", ["hash", "add", Hash, "--kind", "friend"] },
        { "--kind", ["hash", "add", "--from", "alice@a.example", "--key", "k", "--kind", "token"] },
        { "--expires", ["hash", "add", Hash, "--expires", "someday"] },
        { "--pull", ["prefer", "a.example", "--pull", "sometimes"] },
        { "--pull", ["prefer", "a.example"] },
        { "sender-domain", ["prefer", "a b", "--block"] },
        { "--data-dir", ["keys", "--json", "--data-dir"] },
        { "frobnicate", ["frobnicate"] },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task A_bad_command_line_exits_2_naming_the_option_and_changes_nothing(string named, string[] args)
    {
        var result = await CliRun.InvokeAsync(_home.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_home.Path));
    }

    [Fact]
    public async Task No_command_is_a_usage_error_and_help_exits_0_with_every_command()
    {
        Assert.Equal(2, (await CliRun.InvokeAsync(_home.Path)).ExitCode);
        var help = await CliRun.InvokeAsync(_home.Path, "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "demo", "init", "run", "keys", "user", "version", "login", "send", "poll", "refs", "fetch", "status", "retract", "peers", "doctor", "hash", "prefer" })
        {
            Assert.Contains(command, help.Output, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await CliRun.InvokeAsync(_home.Path, "help")).ExitCode);
    }

    [Fact]
    public async Task A_client_command_without_server_or_token_exits_3_and_says_how_to_give_them()
    {
        var result = await CliRun.InvokeAsync(_home.Path, "status");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--server", result.Error, StringComparison.Ordinal);
        Assert.Contains("tern login", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_client_configuration_exits_3_naming_the_file()
    {
        var file = Path.Combine(_home.Path, ".config", "tern", "client.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "{ not json");

        var result = await CliRun.InvokeAsync(_home.Path, "status");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Dispose();
}
