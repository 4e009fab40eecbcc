namespace Tern.Cli;

/// <summary>
/// The command line after the command name: <c>--name value</c> options and <c>--flag</c> switches.
/// Unknown options are errors, so a typo never silently falls back to a default.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CliArguments(IEnumerable<string> arguments)
    {
        string? pending = null;
        foreach (var argument in arguments)
        {
            if (argument.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    _options[pending] = null;
                }

                pending = argument[2..];
                continue;
            }

            if (pending is null)
            {
                throw new CliException($"unexpected argument '{argument}'");
            }

            _options[pending] = argument;
            pending = null;
        }

        if (pending is not null)
        {
            _options[pending] = null;
        }
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var value) ? value ?? throw new CliException($"--{name} needs a value") : null;
    }

    public string Require(string name) => Get(name) ?? throw new CliException($"--{name} is required");

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    /// <summary>Fails on any option no command asked for.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _options.Keys)
        {
            if (!_used.Contains(name))
            {
                throw new CliException($"unknown option --{name}");
            }
        }
    }
}
