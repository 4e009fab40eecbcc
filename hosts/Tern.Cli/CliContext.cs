namespace Tern.Cli;

/// <summary>
/// What a command reads and writes besides its arguments: text output, errors, the environment, standard input and
/// output as bytes. The process uses the console; tests run commands in-process with their own.
/// </summary>
internal sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required Func<string, string?> Environment { get; init; }

    public required Func<Stream> OpenStandardInput { get; init; }

    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether a progress bar may be drawn on <see cref="Error"/> (a terminal, not a pipe or a test).</summary>
    public bool Interactive { get; init; }

    public static CliContext FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Environment = System.Environment.GetEnvironmentVariable,
        OpenStandardInput = Console.OpenStandardInput,
        OpenStandardOutput = Console.OpenStandardOutput,
        Interactive = !Console.IsErrorRedirected,
    };
}
