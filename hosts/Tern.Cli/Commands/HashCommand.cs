using System.CommandLine;
using Tern.Cli.Client;
using Tern.Cli.Envelopes;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern hash add|remove|list</c>: the recipient hashes you watch on your node (PUT/DELETE/GET /v1/hashes): a hash is
/// yours once registered, and only then can you poll it and read what arrives for it (docs/CLIENT-API.md). <c>hash add
/// --from ADDRESS</c> derives the phase-1 pairwise hash (docs/PROTOCOL.md §5) under which ADDRESS's client writes to you,
/// from your key file and ADDRESS's published key record (through the directory, docs/C2S.md §10, §12), and registers it.
/// </summary>
internal static class HashCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hash", "Register, remove or list the recipient hashes you watch on your node.");
        command.Add(Add(context));
        command.Add(Change(context, "remove", HttpMethod.Delete, "Stop watching a recipient hash.\nExample: tern hash remove <hash>"));
        command.Add(List(context));
        return command;
    }

    private static Command Change(CliContext context, string name, HttpMethod method, string description)
    {
        var hash = ClientArguments.Identifier("hash", "The recipient hash (43 characters of base64url).");
        var settings = new ClientSettings();
        var command = new Command(name, description) { hash };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            await api.SendAsync(method, $"v1/hashes/{result.GetRequiredValue(hash)}", null, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var hash = ClientArguments.Identifier("hash", "The recipient hash (43 characters of base64url); leave it out with --from.");
        hash.Arity = ArgumentArity.ZeroOrOne;
        var from = new Option<string>("--from")
        {
            Description = "Derive the pairwise hash a correspondent writes to you under (docs/PROTOCOL.md §5, phase 1) from their published key record and your --key, and register it.",
            HelpName = "address",
        };
        from.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !UserAddress.IsValid(System.Text.Encoding.UTF8.GetBytes(result.Tokens[0].Value.ToLowerInvariant())))
            {
                result.AddError($"--from '{result.Tokens[0].Value}': an address is local@domain");
            }
        });
        var key = new Option<string>("--key") { Description = "Your user key file ('tern keys new', published with 'tern keys publish'): its agreement secret derives the hash.", HelpName = "key-file" };
        var kind = new Option<string>("--kind")
        {
            Description = "What the hash is (docs/C2S.md §10): pairwise (phase 1, the default), negotiated (phase 2), introduction (your own record's) or token (phase 3).",
            HelpName = "kind",
        };
        kind.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value is not ("pairwise" or "negotiated" or "introduction" or "token"))
            {
                result.AddError($"--kind '{result.Tokens[0].Value}': pairwise, negotiated, introduction or token");
            }
        });
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the node stops watching it for you: an RFC 3339 time or a duration (90m, 12h, 7d). Default: never.",
            HelpName = "time|duration",
            CustomParser = ClientArguments.ParseExpiry,
        };
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("add", """
            Register a recipient hash as yours (poll and fetch need it); again to change its kind or expiry.
            Examples:
              tern hash add <hash>
              tern hash add <hash> --kind token --expires 7d
              tern hash add --from alice@a.example --key me.key
            """)
        {
            hash, from, key, kind, expires, json,
        };
        settings.AddTo(command);
        command.Validators.Add(result =>
        {
            var given = result.GetResult(hash) is { Tokens.Count: 1 };
            if (given == result.GetResult(from) is not null)
            {
                result.AddError("hash: give a recipient hash, or --from an address to derive it from, not both");
            }

            if (result.GetResult(from) is not null && result.GetResult(key) is null)
            {
                result.AddError("--from derives the hash with your key: it needs --key, your published user key file");
            }

            if (result.GetResult(from) is not null && result.GetValue(kind) is { } named && named != "pairwise")
            {
                result.AddError($"--kind {named}: --from derives a pairwise hash");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var text = result.GetValue(hash);
            string? correspondent = null;
            if (result.GetValue(from) is { } address)
            {
                correspondent = address.ToLowerInvariant();
                text = (await PairwiseFromAsync(context, api, correspondent, result.GetRequiredValue(key), cancellationToken).ConfigureAwait(false)).ToString();
            }

            var registration = new Dictionary<string, string> { ["kind"] = result.GetValue(kind) ?? "pairwise" };
            if (result.GetValue(expires) is { } until)
            {
                registration["expires"] = until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }

            using var body = System.Net.Http.Json.JsonContent.Create(registration);
            await api.SendAsync(HttpMethod.Put, $"v1/hashes/{text}", body, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("hash", text);
                    writer.WriteString("kind", registration["kind"]);
                    if (registration.TryGetValue("expires", out var until))
                    {
                        writer.WriteString("expires", until);
                    }

                    if (correspondent is not null)
                    {
                        writer.WriteString("from", correspondent);
                    }

                    writer.WriteEndObject();
                });
            }
            else if (correspondent is not null)
            {
                context.Out.WriteLine($"{text} (from {correspondent})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The pairwise hash (§5 form 0x03) for messages from <paramref name="address"/> to this user: their current record's
    /// agreement key (§14.5, checked against their domain's key as the directory gives it) as the sender's, this user's
    /// published one as the recipient's, this user's domain as the recipient domain.
    /// </summary>
    private static async Task<RecipientHash> PairwiseFromAsync(CliContext context, TernApi api, string address, string keyFile, CancellationToken cancellationToken)
    {
        using var keys = UserKeyFile.Load(keyFile, "--key", agreementOnly: true);
        var me = await KeyLookups.MyAddressAsync(api, cancellationToken).ConfigureAwait(false);
        var found = await KeyLookups.DirectoryAsync(api, address, cancellationToken).ConfigureAwait(false);
        var verdict = found.Bundle.Current(found.DomainSigningKey, address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var current);
        if (verdict != UserKeyVerdict.Valid)
        {
            throw new CliException($"{address} has no usable key record ({verdict}): no hash to derive", ExitCodes.Error);
        }

        var known = KnownKeys.Load(context);
        if (known.Get(address) is { } seen && seen != current.Fingerprint)
        {
            context.Error.WriteLine($"warning: {address}'s key changed: {seen} -> {current.Fingerprint}");
        }

        known.Set(address, current.Fingerprint);
        return RecipientHashDerivation.TryPairwise(keys.AgreementSecret, current.AgreementKey.ToArray(), keys.AgreementPublic.ToArray(), UserAddress.DomainOf(me), out var derived)
            ? derived
            : throw new CliException($"{address}'s agreement key is a low-order point: no pairwise hash (docs/PROTOCOL.md §5)", ExitCodes.Error);
    }

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("list", "List the recipient hashes you watch, each with its kind and, when it lapses, its expiry.") { json };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var answer = await api.GetJsonAsync("v1/hashes", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, answer.RootElement);
                return ExitCodes.Ok;
            }

            foreach (var registration in answer.RootElement.GetProperty("registrations").EnumerateArray())
            {
                var until = registration.GetProperty("expires").GetString();
                context.Out.WriteLine($"{registration.GetProperty("hash").GetString()}\t{registration.GetProperty("kind").GetString()}{(until is null ? "" : $"\tuntil {until}")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
