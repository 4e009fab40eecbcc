using System.Diagnostics;

namespace Tern.Cli.Demo;

/// <summary>
/// How to start <c>tern</c> as a child process: this executable when it runs as the apphost, or <c>dotnet tern.dll</c>
/// when it runs through the muxer (<c>dotnet run</c>, <c>make demo</c>) or when a test names the built assembly.
/// </summary>
internal sealed class TernLauncher
{
    private readonly string _fileName;
    private readonly string? _assembly;

    private TernLauncher(string fileName, string? assembly)
    {
        _fileName = fileName;
        _assembly = assembly;
    }

    /// <summary>The <c>tern</c> this process is.</summary>
    public static TernLauncher Current()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        return string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.Ordinal)
            ? new TernLauncher(self, typeof(TernLauncher).Assembly.Location)
            : new TernLauncher(self, null);
    }

    /// <summary><c>dotnet <paramref name="ternDll"/></c>: a built <c>tern.dll</c> started through the muxer on the PATH.</summary>
    public static TernLauncher ForAssembly(string ternDll) => new("dotnet", ternDll);

    /// <summary>A start description for <c>tern <paramref name="arguments"/></c> with its output redirected.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(_fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (_assembly is not null)
        {
            start.ArgumentList.Add(_assembly);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        // A child must not inherit a client configuration or node settings from the shell that started the demo.
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("TERN_", StringComparison.Ordinal)).ToList())
        {
            if (environment is null || !environment.ContainsKey(name))
            {
                start.Environment.Remove(name);
            }
        }

        return start;
    }
}
