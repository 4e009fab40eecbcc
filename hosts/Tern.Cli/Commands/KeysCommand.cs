using Tern.Engine.Keys;

namespace Tern.Cli.Commands;

internal static class KeysCommand
{
    public static int Run(CliArguments options)
    {
        var directory = options.Require("data-dir");
        options.RejectUnknown();
        // A node's data directory keeps them in keys/; a bare key directory works too.
        var keyDirectory = Directory.Exists(Path.Combine(directory, "keys")) ? Path.Combine(directory, "keys") : directory;
        using var keys = DomainKeySet.Load(keyDirectory);
        Console.Write(keys.PublicText());
        return 0;
    }
}
