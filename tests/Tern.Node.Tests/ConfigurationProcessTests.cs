namespace Tern.Node.Tests;

/// <summary>
/// <c>tern run</c> with a bad configuration from each source an operator uses (the settings file, <c>TERN__</c>
/// environment variables, switches): exit code 3, the message on stderr, nothing written in the data directory.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class ConfigurationProcessTests : IDisposable
{
    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    [Fact]
    public async Task A_settings_file_that_is_not_json_exits_3_saying_where()
    {
        await File.WriteAllTextAsync(Path.Combine(_domain.DataDirectory, "appsettings.json"), "{ \"Tern\": { \"Node\": { \"Domain\": \"a.example\",\n  ,, } ");
        var output = await RunRefusedAsync(_domain.Switches());
        Assert.Contains("appsettings.json is not valid JSON", output, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_type_in_the_settings_file_exits_3_naming_the_key()
    {
        await File.WriteAllTextAsync(Path.Combine(_domain.DataDirectory, "appsettings.json"), """{ "Tern": { "Transit": { "MaxBytes": { "big": true } } } }""");
        var output = await RunRefusedAsync(_domain.Switches());
        Assert.Contains("Tern:Transit:MaxBytes = '(a section)' is invalid: must be a single Int64 value", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_name_in_an_environment_variable_exits_3_listing_the_names()
    {
        var output = await RunRefusedAsync(_domain.Switches(("Tern:Node:PullPreference", null)), new Dictionary<string, string> { ["TERN__NODE__PULLPREFERENCE"] = "Sometimes" });
        Assert.Contains("Tern:Node:PullPreference = 'Sometimes' is invalid: must be one of WhenRequested, Immediately, Ignore", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_value_in_a_switch_exits_3_naming_the_key()
    {
        var output = await RunRefusedAsync(_domain.Switches(("Tern:Pull:QueueCapacity", "99999999999")));
        Assert.Contains("Tern:Pull:QueueCapacity = '99999999999' is invalid: must be a Int32", output, StringComparison.Ordinal);
    }

    private async Task<string> RunRefusedAsync(List<string> switches, IDictionary<string, string>? environment = null)
    {
        var before = Directory.EnumerateFileSystemEntries(_domain.DataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var node = NodeProcess.Start(_domain.DataDirectory, switches, environment);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), node.Output);
        Assert.True(node.ExitCode == 3, $"exit {node.ExitCode}\n{node.Output}");
        Assert.Contains("tern: refusing to start:", node.Output, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(_domain.DataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
        return node.Output;
    }
}
