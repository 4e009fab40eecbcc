using System.Buffers.Text;
using System.CommandLine;
using Tern.Cli.Sealing;
using Tern.Engine.Keys;

namespace Tern.Cli.Commands;

/// <summary><c>tern keys</c>: prints a domain's public keys and fingerprint from its data directory.</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var json = CommonOptions.Json();
        var command = new Command("keys", """
            Show a domain's public keys and fingerprint (what its DNS TXT record publishes), or make a user's key pair for
            sealed messages ('tern keys new').
            Example: tern keys --data-dir /var/lib/tern
            """)
        {
            dataDirectory,
            json,
            New(context),
            UserKeyCommands.Publish(context),
            UserKeyCommands.Rotate(context),
            UserKeyCommands.Check(context),
        };
        command.SetAction(result =>
        {
            var directory = result.GetRequiredValue(dataDirectory);
            // A node's data directory keeps them in keys/; a bare key directory works too.
            var keyDirectory = Directory.Exists(Path.Combine(directory, "keys")) ? Path.Combine(directory, "keys") : directory;
            using var keys = DomainKeySet.Load(keyDirectory);
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("domain", keys.Domain);
                    writer.WriteString("fingerprint", keys.Fingerprint);
                    writer.WriteString("signingPublicKey", Base64Url.EncodeToString(keys.SigningPublicKey));
                    writer.WriteString("agreementPublicKey", Base64Url.EncodeToString(keys.AgreementPublicKey));
                    writer.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            context.Out.Write(keys.PublicText());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command New(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "The secret key file to create (0600); the public key goes to <file>.pub.", Required = true, HelpName = "file" };
        var json = CommonOptions.Json();
        var command = new Command("new", """
            Make a user key file: an X25519 key pair for sealed messages and an Ed25519 key that signs your envelopes.
            Publish it with 'tern keys publish'; give the .pub file (the X25519 public key) to those who seal to you by
            key ('tern send --seal-to'); keep the secret file for 'tern send --key' and 'tern fetch --open-with'.
            Example: tern keys new --out ~/.config/tern/bob.key
            """)
        {
            output, json,
        };
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(output);
            var publicKey = UserKeys.Generate(path);
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("publicKey", publicKey);
                    writer.WriteString("secretKeyFile", Path.GetFullPath(path));
                    writer.WriteString("publicKeyFile", Path.GetFullPath(path + ".pub"));
                    writer.WriteEndObject();
                });
            }
            else
            {
                context.Out.WriteLine($"public key {publicKey} (also in {path}.pub); secret key in {path} (keep it secret)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
