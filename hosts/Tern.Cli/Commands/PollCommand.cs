using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary><c>tern poll</c>: the references waiting for one of your recipient hashes after a cursor (GET /v1/references).</summary>
internal static class PollCommand
{
    public static Command Create(CliContext context)
    {
        var hash = new Option<string>("--hash") { Description = "Your recipient hash (registered with the node).", Required = true, HelpName = "hash" };
        hash.Validators.Add(result => ClientArguments.CheckIdentifier(result, "--hash"));
        var after = new Option<string>("--after") { Description = "The cursor: the 'next' a previous poll printed (default 0, from the start).", HelpName = "cursor" };
        after.Validators.Add(result => ClientArguments.CheckRange(result, "--after", 0, long.MaxValue));
        var limit = new Option<string>("--limit") { Description = "At most this many references (1-1000, default 100).", HelpName = "n" };
        limit.Validators.Add(result => ClientArguments.CheckRange(result, "--limit", 1, 1000));
        var wait = new Option<string>("--wait") { Description = "With nothing waiting, hold the poll up to this many seconds for one to arrive (the node allows up to 30 by default).", HelpName = "seconds" };
        wait.Validators.Add(result => ClientArguments.CheckRange(result, "--wait", 0, 3600));
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("poll", """
            List the references to messages waiting for your recipient hash, in order, after a cursor.
            Examples:
              tern poll --hash <hash>
              tern poll --hash <hash> --after 17 --wait 30 --json
            """)
        {
            hash, after, limit, wait, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var query = ClientArguments.Query("hash", result.GetRequiredValue(hash)) + "&" + ClientArguments.Query("after", result.GetValue(after) ?? "0");
            if (result.GetValue(limit) is { } n)
            {
                query += "&" + ClientArguments.Query("limit", n);
            }

            if (result.GetValue(wait) is { } seconds)
            {
                query += "&" + ClientArguments.Query("wait", seconds);
            }

            using var page = await api.GetJsonAsync("v1/references?" + query, cancellationToken).ConfigureAwait(false);
            var root = page.RootElement;
            if (result.GetValue(json))
            {
                CliJson.Write(context, root);
                return ExitCodes.Ok;
            }

            foreach (var reference in root.GetProperty("references").EnumerateArray())
            {
                context.Out.WriteLine($"{reference.GetProperty("sequence").GetString()}\t{reference.GetProperty("capability").GetString()}\tfrom {reference.GetProperty("senderDomain").GetString()}\t{reference.GetProperty("size").GetInt64()} bytes\t{reference.GetProperty("mimeHint").GetString()}");
            }

            context.Out.WriteLine($"next {root.GetProperty("next").GetString()}{(root.GetProperty("more").GetBoolean() ? " (more waiting: poll again)" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
