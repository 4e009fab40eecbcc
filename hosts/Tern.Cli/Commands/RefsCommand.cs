using System.CommandLine;
using System.Net.Http.Json;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern refs list|pull|defer|ignore</c>: the references waiting for you (GET /v1/references, across all your hashes
/// unless <c>--hash</c> names one) and what to do with each (POST /v1/references/{capability}/actions, docs/C2S.md §7):
/// <c>pull</c> (alias <c>delegate</c>) has your node fetch, verify and store it, <c>defer</c> leaves it waiting,
/// <c>ignore</c> drops it.
/// </summary>
internal static class RefsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("refs", """
            List the references to messages waiting for you, and pull, defer or ignore one.
            Examples:
              tern refs list
              tern refs list --wait 30 --after 42
              tern refs pull <capability>
              tern refs ignore <capability> --json
            """);
        command.Add(List(context));
        command.Add(Act(context, "pull", "Have your node fetch, verify and store the message now (it appears in 'tern stored'); also 'delegate'.", "delegate"));
        command.Add(Act(context, "defer", "Leave the reference waiting (what the node does anyway): nothing changes."));
        command.Add(Act(context, "ignore", "Drop the reference: it is not listed again, and its sender cannot tell."));
        return command;
    }

    private static Command List(CliContext context)
    {
        var hash = new Option<string>("--hash") { Description = "Only this recipient hash of yours (its own cursor: the poll of 'tern poll').", HelpName = "hash" };
        hash.Validators.Add(result => ClientArguments.CheckIdentifier(result, "--hash"));
        var after = new Option<string>("--after") { Description = "The cursor: the 'next' a previous list printed (default: from the start).", HelpName = "cursor" };
        after.Validators.Add(result => ClientArguments.CheckRange(result, "--after", 0, long.MaxValue));
        var limit = new Option<string>("--limit") { Description = "At most this many references (1-1000, default 100).", HelpName = "n" };
        limit.Validators.Add(result => ClientArguments.CheckRange(result, "--limit", 1, 1000));
        var wait = new Option<string>("--wait") { Description = "With nothing waiting, hold the request up to this many seconds for a reference to arrive (the node allows up to 30 by default).", HelpName = "seconds" };
        wait.Validators.Add(result => ClientArguments.CheckRange(result, "--wait", 0, 3600));
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("list", """
            List the references waiting for all your recipient hashes, in the order they arrived (or for one with --hash).
            Pass the 'next' it prints as --after to see only what came since.
            Examples:
              tern refs list
              tern refs list --after 42 --wait 30 --json
              tern refs list --hash <hash> --limit 10
            """)
        {
            hash, after, limit, wait, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var query = new List<string>();
            foreach (var (name, option) in new[] { ("hash", hash), ("after", after), ("limit", limit), ("wait", wait) })
            {
                if (result.GetValue(option) is { } value)
                {
                    query.Add(ClientArguments.Query(name, value));
                }
            }

            using var page = await api.GetJsonAsync("v1/references" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellationToken).ConfigureAwait(false);
            var root = page.RootElement;
            if (result.GetValue(json))
            {
                CliJson.Write(context, root);
                return ExitCodes.Ok;
            }

            foreach (var reference in root.GetProperty("references").EnumerateArray())
            {
                context.Out.WriteLine($"{reference.GetProperty("capability").GetString()}\tto {reference.GetProperty("hash").GetString()}\tfrom {reference.GetProperty("senderDomain").GetString()}\t{reference.GetProperty("size").GetInt64()} bytes\t{reference.GetProperty("mimeHint").GetString()}");
            }

            context.Out.WriteLine($"next {root.GetProperty("next").GetString()}{(root.GetProperty("more").GetBoolean() ? " (more waiting: list again)" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Act(CliContext context, string action, string description, string? alias = null)
    {
        var capability = ClientArguments.Identifier("capability", "The reference's capability, as 'tern refs list' prints it.");
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command(action, $"{description}\nExample: tern refs {action} <capability>") { capability, json };
        if (alias is not null)
        {
            command.Aliases.Add(alias);
        }

        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var body = JsonContent.Create(new Dictionary<string, string> { ["action"] = action });
            using var answer = await api.SendJsonAsync(HttpMethod.Post, $"v1/references/{result.GetRequiredValue(capability)}/actions", body, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, answer.RootElement);
            }
            else
            {
                context.Out.WriteLine($"{answer.RootElement.GetProperty("capability").GetString()}\t{answer.RootElement.GetProperty("state").GetString()}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
