using System.Buffers.Text;
using System.CommandLine;
using Tern.Cli.Sealing;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

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
            RotateDomain(context),
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

    private static Command RotateDomain(CliContext context)
    {
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var overlap = new Option<string>("--overlap")
        {
            Description = "How long the old keys stay accepted: 7d, 36h, 90m… Longer than the descriptor's validity (Tern:WellKnown:Validity).",
            Required = true,
            HelpName = "window",
        };
        overlap.Validators.Add(result =>
        {
            if (!KeyRotationOverlap.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError("--overlap must be a window of 1 second to 30 days, e.g. 7d, 36h or 90m");
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("rotate-domain", """
            Rotate the domain's signing and agreement keys (docs/PROTOCOL.md §16, docs/OPERATIONS.md "Rotating the domain's
            keys"): writes keys/domain.next.key and keys/rotation.json; the node (running, within Tern:Node:KeyRotationPollInterval,
            or at its next start) signs its descriptor with the new keys at once and accepts the old ones until the overlap
            ends, then retires them. Prints the DNS TXT record to publish during the window and after it.
            Example: tern keys rotate-domain --overlap 7d --data-dir /var/lib/tern
            """)
        {
            dataDirectory, overlap, json,
        };
        command.SetAction(result =>
        {
            var directory = Path.GetFullPath(result.GetRequiredValue(dataDirectory));
            var keyDirectory = TernDataDirectory.Keys(directory);
            if (!KeyRotationOverlap.TryParse(result.GetRequiredValue(overlap), out var window))
            {
                throw new CliException("--overlap must be a window of 1 second to 30 days, e.g. 7d, 36h or 90m"); // the validator said so first
            }

            var validity = KeyRotationOverlap.DescriptorValidity(Path.Combine(directory, TernDataDirectory.SettingsFileName));
            if (KeyRotationOverlap.Problem(window, validity) is { } problem)
            {
                throw new CliException($"--overlap: {problem}");
            }

            using var keys = DomainKeySet.Load(keyDirectory);
            string next;
            try
            {
                next = DomainKeyRotation.Schedule(keyDirectory, keys.Domain, window, TimeSpan.Zero);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message, ExitCodes.Error);
            }

            using var rotated = DomainKeySet.Load(keyDirectory, DomainKeyRotation.NextSecretFileName);
            Bytes32[] both = [Bytes32.Parse(rotated.Fingerprint), Bytes32.Parse(keys.Fingerprint)];
            var during = TernDnsRecords.FormatTxtZoneLine(keys.Domain, both);
            var after = TernDnsRecords.FormatTxtZoneLine(keys.Domain, [both[0]]);
            var until = DateTimeOffset.UtcNow + window;
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("domain", keys.Domain);
                    writer.WriteString("fingerprint", rotated.Fingerprint);
                    writer.WriteString("previousFingerprint", keys.Fingerprint);
                    writer.WriteString("previousUntil", until);
                    writer.WriteString("txtDuringWindow", during);
                    writer.WriteString("txtAfterWindow", after);
                    writer.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            context.Out.Write(next);
            context.Out.WriteLine($"The old keys ({keys.Fingerprint}) are accepted until about {until:u}; then they are retired.");
            context.Out.WriteLine("Publish now, until then:");
            context.Out.WriteLine("  " + during);
            context.Out.WriteLine("and after it:");
            context.Out.WriteLine("  " + after);
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
