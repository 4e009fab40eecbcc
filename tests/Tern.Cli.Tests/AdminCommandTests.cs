using Tern.Admin.Tests;

namespace Tern.Cli.Tests;

/// <summary><c>tern admin …</c> against a running node: the listener from ports.json, the token from the data directory.</summary>
public sealed class AdminCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("cli-admin");
    private AdminNode _node = null!;

    private string Data => _directory.File("node");

    public async Task InitializeAsync()
    {
        Assert.Equal(0, (await CliRun.InvokeAsync(_directory.Path, "init", "--domain", "a.example", "--data-dir", Data)).ExitCode);
        _node = await AdminNode.StartAsync("a.example", Data);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Token_prints_the_one_init_wrote_and_the_node_accepts()
    {
        var token = await Run("admin", "token", "--data-dir", Data);
        Assert.Equal(_node.Token, token.Output.Trim());
        Assert.StartsWith("tern_admin_", token.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Block_blocks_and_stats_health_economics_pending_transit_and_reload_answer()
    {
        Assert.Contains("spam.example", (await Run("admin", "block", "Spam.Example", "--data-dir", Data)).Output, StringComparison.Ordinal);
        Assert.Equal(["spam.example"], _node.Node.Blocks.Domains);
        Assert.Contains("\"droppedRecords\"", (await Run("admin", "blocks", "--data-dir", Data)).Output, StringComparison.Ordinal);
        await Run("admin", "unblock", "spam.example", "--data-dir", Data);
        Assert.Empty(_node.Node.Blocks.Domains);

        Assert.Equal("a.example", (await Run("admin", "stats", "--data-dir", Data)).Json().GetProperty("domain").GetString());
        Assert.Equal("ready", (await Run("admin", "health", "--data-dir", Data)).Json().GetProperty("status").GetString());
        Assert.True((await Run("admin", "economics", "--data-dir", Data)).Json().TryGetProperty("domains", out _));
        Assert.Equal(0, (await Run("admin", "pending", "--data-dir", Data)).Json().GetProperty("references").GetInt64());
        Assert.Equal(0, (await Run("admin", "transit", "--limit", "5", "--data-dir", Data)).Json().GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await Run("admin", "expiring", "--before", "2030-01-01T00:00:00Z", "--data-dir", Data)).Json().GetProperty("deliveries").GetInt64());
        Assert.True((await Run("admin", "reload", "--data-dir", Data)).Json().TryGetProperty("needRestart", out _));
        var hash = new string('A', 43);
        Assert.Equal("ignore", (await Run("admin", "preference", hash, "b.example", "--set", "ignore", "--data-dir", Data)).Json().GetProperty("preference").GetString());
        Assert.Equal("ignore", (await Run("admin", "preference", hash, "b.example", "--data-dir", Data)).Json().GetProperty("preference").GetString());
    }

    [Fact]
    public async Task A_refusal_prints_the_problem_and_its_field_and_fails()
    {
        var bad = await CliRun.InvokeAsync(_directory.Path, "admin", "expiring", "--before", "tomorrow", "--data-dir", Data);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("(field before)", bad.Error, StringComparison.Ordinal);

        // An overlap shorter than the descriptor's validity (1 day by default) is the node's refusal, naming the field.
        var rotate = await CliRun.InvokeAsync(_directory.Path, "admin", "rotate-keys", "--overlap", "1h", "--data-dir", Data);
        Assert.NotEqual(0, rotate.ExitCode);
        Assert.Contains("(field overlap)", rotate.Error, StringComparison.Ordinal);

        var elsewhere = await CliRun.InvokeAsync(_directory.Path, "admin", "stats", "--data-dir", _directory.File("none"));
        Assert.NotEqual(0, elsewhere.ExitCode);
        Assert.Contains("admin.token", elsewhere.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_rotate_domain_starts_a_rotation_the_running_node_follows()
    {
        var before = _node.Node.Keys.Fingerprint;
        var rotated = await Run("keys", "rotate-domain", "--overlap", "2d", "--data-dir", Data);
        Assert.Contains($"fp={before}", rotated.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Data, "keys", Engine.Keys.DomainKeyRotation.ScheduleFileName)));

        // The node picks it up within its poll interval and signs with the new keys; a second rotation is refused.
        await Eventually.AssertAsync(() => _node.Node.Keys.Fingerprint != before, TimeSpan.FromSeconds(20));
        Assert.Equal(Engine.Protocol.Descriptor.KeyRotationState.Rotated, _node.Node.KeyRotation.Snapshot.State);
        var again = await CliRun.InvokeAsync(_directory.Path, "keys", "rotate-domain", "--overlap", "2d", "--data-dir", Data);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already under way", again.Error, StringComparison.Ordinal);

        var shortOverlap = await CliRun.InvokeAsync(_directory.Path, "keys", "rotate-domain", "--overlap", "12h", "--data-dir", Data);
        Assert.Equal(2, shortOverlap.ExitCode);
        Assert.Contains("Tern:WellKnown:Validity", shortOverlap.Error, StringComparison.Ordinal);
    }

    private async Task<CliRun.Result> Run(params string[] args)
    {
        var result = await CliRun.InvokeAsync(_directory.Path, args);
        Assert.True(result.ExitCode == 0, $"tern {string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
        return result;
    }
}
