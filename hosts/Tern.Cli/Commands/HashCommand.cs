using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern hash add|remove|list</c>: the recipient hashes you watch on your node (PUT/DELETE/GET /v1/hashes): a hash is
/// yours once registered, and only then can you poll it and read what arrives for it (docs/CLIENT-API.md).
/// </summary>
internal static class HashCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hash", "Register, remove or list the recipient hashes you watch on your node.");
        command.Add(Change(context, "add", HttpMethod.Put, "Register a recipient hash as yours (poll and fetch need it).\nExample: tern hash add <hash>"));
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

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("list", "List the recipient hashes you watch.") { json };
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

            foreach (var hash in answer.RootElement.GetProperty("hashes").EnumerateArray())
            {
                context.Out.WriteLine(hash.GetString());
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
