using System.CommandLine;
using System.Text;
using System.Text.Json;
using Tern.Cli.Client;
using Tern.Cli.Envelopes;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern keys publish|rotate|check</c> (docs/C2S.md §12): the user's key record at the user's domain, and the canary
/// that compares what the domain publishes to everyone with the key the user holds.
/// </summary>
internal static class UserKeyCommands
{
    public static Command Publish(CliContext context)
    {
        var key = KeyOption("Your user key file (from 'tern keys new') whose public keys your domain signs and publishes.");
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("publish", """
            Have your domain sign and publish your key record (docs/PROTOCOL.md §14.2).
            Example: tern keys publish --key ~/.config/tern/me.key
            """)
        {
            key, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var keys = UserKeyFile.Load(result.GetRequiredValue(key), "--key");
            using var answer = await api.SendJsonAsync(HttpMethod.Post, "v1/keys", Body(keys), cancellationToken).ConfigureAwait(false);
            Print(context, answer.RootElement, result.GetValue(json), "published");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Rotate(CliContext context)
    {
        var key = KeyOption("Your new user key file (from 'tern keys new'): the record of the current keys is revoked as superseded and this one published.");
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("rotate", """
            Rotate your keys: your domain revokes the current record (superseded, naming the new one) and publishes the new
            record, both timestamped (docs/PROTOCOL.md §14.3). Use the new key file from then on.
            Example: tern keys rotate --key ~/.config/tern/me-2027.key
            """)
        {
            key, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var keys = UserKeyFile.Load(result.GetRequiredValue(key), "--key");
            using var answer = await api.SendJsonAsync(HttpMethod.Post, "v1/keys/rotate", Body(keys), cancellationToken).ConfigureAwait(false);
            Print(context, answer.RootElement, result.GetValue(json), "rotated");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Check(CliContext context)
    {
        var key = KeyOption("Your user key file: the fingerprint you hold.");
        var door = new Option<string>("--lookup")
        {
            Description = "Your domain's public fetch door for the lookup (https://host:port, tern+tcp://host:port, or http:// on loopback), not the client API: the check must see what other domains see.",
            Required = true,
            HelpName = "url",
        };
        door.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !(Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "tern+tcp" && uri.Port > 0))
            {
                result.AddError($"--lookup '{result.Tokens[0].Value}': an https://, http:// or tern+tcp:// URL with a port");
            }
        });
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("check", """
            The key canary (docs/C2S.md §12): look up your own key record the way other domains do and compare its
            fingerprint with your key file's. Exits 5 with an alarm when your domain publishes another key for you (it
            changed or revoked your key without you), 0 when they agree. Run it at start and every few hours.
            Example: tern keys check --key ~/.config/tern/me.key --lookup tern+tcp://mail.example.org:7443
            """)
        {
            key, door, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var keys = UserKeyFile.Load(result.GetRequiredValue(key), "--key", agreementOnly: false);
            var address = await KeyLookups.MyAddressAsync(api, cancellationToken).ConfigureAwait(false);
            var bundle = await KeyLookups.PublicLookupAsync(new Uri(result.GetRequiredValue(door)), address, cancellationToken).ConfigureAwait(false);
            string? published = null;
            var verdict = UserKeyVerdict.NoRecord;
            if (bundle is not null)
            {
                var domainKey = bundle.Records.Count > 0 ? bundle.Records[0].DomainSigningKey : bundle.Revocations[0].DomainSigningKey;
                verdict = bundle.Current(domainKey, address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var current);
                published = verdict == UserKeyVerdict.Valid ? current.Fingerprint.ToString() : null;
            }

            var held = keys.Fingerprint.ToString();
            var ok = published == held;
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("address", address);
                    writer.WriteString("held", held);
                    writer.WriteString("published", published);
                    writer.WriteString("verdict", verdict.ToString());
                    writer.WriteBoolean("alarm", !ok);
                    writer.WriteEndObject();
                });
            }
            else if (ok)
            {
                context.Out.WriteLine($"ok: {address} is published with your fingerprint {held}");
            }

            if (!ok)
            {
                context.Error.WriteLine(published is null
                    ? $"ALARM: {address} has no current key record published ({verdict}); you hold {held}. Your domain revoked or withdrew your key."
                    : $"ALARM: {address} is published with fingerprint {published}, but you hold {held}. Your domain changed your key without you.");
                return ExitCodes.KeyAlarm;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string> KeyOption(string description) => new("--key") { Description = description, Required = true, HelpName = "key-file" };

    private static StringContent Body(UserKeyFile keys) => new(
        JsonSerializer.Serialize(new Dictionary<string, string> { ["signingKey"] = keys.SigningPublic.ToString(), ["agreementKey"] = keys.AgreementPublic.ToString() }),
        Encoding.UTF8, "application/json");

    private static void Print(CliContext context, JsonElement answer, bool json, string what)
    {
        if (json)
        {
            CliJson.Write(context, answer);
            return;
        }

        context.Out.WriteLine($"{what}: {answer.GetProperty("address").GetString()} fingerprint {answer.GetProperty("fingerprint").GetString()}");
    }
}
