namespace Tern.Cli;

/// <summary>An error the command reports as one line on standard error, exiting with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
