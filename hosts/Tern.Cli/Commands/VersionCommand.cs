using System.CommandLine;
using Tern.Engine.Crypto;

namespace Tern.Cli.Commands;

/// <summary><c>tern version</c>: Tern's, NSec's and its bundled libsodium's versions.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var command = new Command("version", "Print versions (Tern, NSec and its libsodium, .NET).") { json };
        command.SetAction(result =>
        {
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("tern", typeof(VersionCommand).Assembly.GetName().Version?.ToString());
                    writer.WriteString("nsec", Sodium.NsecVersion);
                    writer.WriteString("libsodium", Sodium.Version);
                    writer.WriteString("dotnet", Environment.Version.ToString());
                    writer.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            context.Out.WriteLine($"tern {typeof(VersionCommand).Assembly.GetName().Version}");
            context.Out.WriteLine($"NSec.Cryptography {Sodium.NsecVersion}, libsodium {Sodium.Version} (bundled with NSec)");
            context.Out.WriteLine($".NET {Environment.Version}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
