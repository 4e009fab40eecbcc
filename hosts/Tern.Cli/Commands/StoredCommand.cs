using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern stored</c>: the messages your node pulled for your recipient hashes and keeps for you (GET /v1/stored), the
/// ids <c>tern fetch</c> takes. A message your node pulled at once leaves no reference to poll: this is where it is.
/// </summary>
internal static class StoredCommand
{
    public static Command Create(CliContext context)
    {
        var hash = new Option<string>("--hash") { Description = "Only those for this recipient hash of yours.", HelpName = "hash" };
        hash.Validators.Add(result => ClientArguments.CheckIdentifier(result, "--hash"));
        var label = new Option<string>("--label") { Description = "Only those with this label (docs/C2S.md §8; 'inbox', or one of yours).", HelpName = "label" };
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("stored", """
            List the messages your node pulled and stores for you, oldest first: the id to give 'tern fetch', the sender's
            domain, the size and the sender's MIME hint.
            Examples:
              tern stored
              tern stored --hash <hash> --json
              tern stored --label work
            """)
        {
            hash, label, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var query = new List<string>();
            if (result.GetValue(hash) is { } h)
            {
                query.Add(ClientArguments.Query("hash", h));
            }

            if (result.GetValue(label) is { } l)
            {
                query.Add(ClientArguments.Query("label", l));
            }

            var path = query.Count == 0 ? "v1/stored" : "v1/stored?" + string.Join('&', query);
            using var list = await api.GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
            var root = list.RootElement;
            if (result.GetValue(json))
            {
                CliJson.Write(context, root);
                return ExitCodes.Ok;
            }

            foreach (var message in root.GetProperty("messages").EnumerateArray())
            {
                context.Out.WriteLine($"{message.GetProperty("id").GetString()}\tfrom {message.GetProperty("senderDomain").GetString()}\t{message.GetProperty("size").GetInt64()} bytes\t{message.GetProperty("mimeHint").GetString()}\tstored {message.GetProperty("stored").GetString()}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
