using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary><c>tern retract</c>: retracts a sent message's pending deliveries (DELETE /v1/messages/{id}, docs/PROTOCOL.md §11).</summary>
internal static class RetractCommand
{
    public static Command Create(CliContext context)
    {
        var id = ClientArguments.Identifier("message-id", "The message 'tern send' printed.");
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("retract", """
            Retract a message you sent: deliveries not yet fetched can no longer be, and the recipients' nodes are told.
            Example: tern retract <message-id>
            """)
        {
            id, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var answer = await api.SendJsonAsync(HttpMethod.Delete, $"v1/messages/{result.GetRequiredValue(id)}", null, cancellationToken).ConfigureAwait(false);
            var root = answer.RootElement;
            if (result.GetValue(json))
            {
                CliJson.Write(context, root);
                return ExitCodes.Ok;
            }

            context.Out.WriteLine($"message {root.GetProperty("messageId").GetString()}: {root.GetProperty("retracted").GetArrayLength()} deliveries retracted, {root.GetProperty("alreadyFetched").GetArrayLength()} already fetched");
            return ExitCodes.Ok;
        });
        return command;
    }
}
