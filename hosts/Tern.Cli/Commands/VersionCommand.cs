using Tern.Engine.Crypto;

namespace Tern.Cli.Commands;

internal static class VersionCommand
{
    public static int Run(CliArguments options)
    {
        options.RejectUnknown();
        Console.WriteLine($"tern {typeof(VersionCommand).Assembly.GetName().Version}");
        Console.WriteLine($"NSec.Cryptography {Sodium.NsecVersion}, libsodium {Sodium.Version} (bundled with NSec)");
        Console.WriteLine($".NET {Environment.Version}");
        return 0;
    }
}
