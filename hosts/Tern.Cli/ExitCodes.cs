namespace Tern.Cli;

/// <summary>The exit codes of <c>tern</c>, documented in docs/CLI.md; scripts branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>Something failed while running: I/O, the network, a refusal by the node not covered below.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (unknown command or option, missing or invalid value); nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Configuration is missing or invalid: no server or token, a bad client or node configuration file.</summary>
    public const int Configuration = 3;

    /// <summary>The node does not know the thing asked for, or does not accept the token (404, 401).</summary>
    public const int NotFound = 4;

    /// <summary>The key canary (<c>tern keys check</c>): the domain publishes another key for the user than the one the user holds.</summary>
    public const int KeyAlarm = 5;
}
