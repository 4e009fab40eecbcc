using System.Text.Json;

namespace Tern.Cli.Demo;

/// <summary>
/// A user of the demo with a home directory of their own (their client configuration, keys and files), who runs
/// <c>tern</c> commands as child processes, as a person at a shell would.
/// </summary>
internal sealed class DemoUser
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly TernLauncher _tern;
    private readonly Dictionary<string, string> _environment;

    public DemoUser(TernLauncher tern, string name, string domain, string home)
    {
        _tern = tern;
        Name = name;
        Address = $"{name}@{domain}";
        Home = home;
        Directory.CreateDirectory(home);
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
        };
    }

    public string Name { get; }

    public string Address { get; }

    public string Home { get; }

    /// <summary>A path in the user's home directory.</summary>
    public string File(string name) => Path.Combine(Home, name);

    /// <summary>Runs <c>tern <paramref name="arguments"/></c>; its exit code and output, whatever they are.</summary>
    public async Task<CommandResult> RunAsync(params string[] arguments)
    {
        using var child = ChildProcess.Start(_tern.StartInfo(arguments, _environment), $"{Name}: tern {arguments[0]}");
        if (!await child.WaitForExitAsync(CommandTimeout).ConfigureAwait(false))
        {
            throw new DemoException($"{child.Name} did not finish within {CommandTimeout.TotalSeconds:F0} s\n{child.Tail()}");
        }

        return new CommandResult(child.Name, child.ExitCode, child.StandardOutput, child.Output);
    }

    /// <summary>Runs a command that must succeed and print JSON (<c>--json</c> is added); its document.</summary>
    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--json"]).ConfigureAwait(false);
        return result.Json();
    }
}
