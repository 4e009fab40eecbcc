using System.CommandLine;
using Tern.Engine.Crypto;

namespace Tern.Cli.Commands;

/// <summary><c>tern version</c>: Tern's, NSec's and its bundled libsodium's versions.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("version", "Print versions (Tern, NSec and its libsodium, .NET).");
        command.SetAction(_ =>
        {
            context.Out.WriteLine($"tern {typeof(VersionCommand).Assembly.GetName().Version}");
            context.Out.WriteLine($"NSec.Cryptography {Sodium.NsecVersion}, libsodium {Sodium.Version} (bundled with NSec)");
            context.Out.WriteLine($".NET {Environment.Version}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
