using System.CommandLine;
using Tern.Cli.Commands;

namespace Tern.Cli;

/// <summary>Options several commands share; a new instance per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<string> DataDirectory(bool required)
    {
        var option = new Option<string>("--data-dir")
        {
            Description = required ? "The node's data directory." : $"The node's data directory (default {RunCommand.DefaultDataDirectory}).",
            Required = required,
            HelpName = "dir",
        };
        if (!required)
        {
            option.DefaultValueFactory = _ => RunCommand.DefaultDataDirectory;
        }

        return option;
    }

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON (one document on standard output)." };
}
