using Tern.Engine.Keys;

namespace Tern.Cli.Commands;

internal static class KeysCommand
{
    public static int Run(CliArguments options)
    {
        var directory = options.Require("data-dir");
        options.RejectUnknown();
        using var keys = DomainKeySet.Load(directory);
        Console.Write(keys.PublicText());
        return 0;
    }
}
