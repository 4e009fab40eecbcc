namespace Tern.Cli;

/// <summary>A usage or input error: printed as one line, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
