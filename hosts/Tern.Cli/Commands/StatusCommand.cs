using System.CommandLine;
using System.Text.Json;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary><c>tern status</c>: a sent message's deliveries (GET /v1/messages/{id}), or all your unexpired messages.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("message-id") { Description = "The message 'tern send' printed; without it, every message of yours not yet expired.", Arity = ArgumentArity.ZeroOrOne };
        id.Validators.Add(result => ClientArguments.CheckIdentifier(result, "message-id"));
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("status", """
            Show where a sent message's deliveries are: pending, fetched, retracted, expired or transferred.
            Examples:
              tern status <message-id>
              tern status --json
            """)
        {
            id, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var one = result.GetValue(id);
            using var answer = await api.GetJsonAsync(one is null ? "v1/messages" : $"v1/messages/{one}", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, answer.RootElement);
                return ExitCodes.Ok;
            }

            if (one is not null)
            {
                Print(context, answer.RootElement);
                return ExitCodes.Ok;
            }

            foreach (var message in answer.RootElement.GetProperty("messages").EnumerateArray())
            {
                Print(context, message);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliContext context, JsonElement message)
    {
        context.Out.WriteLine($"message {message.GetProperty("messageId").GetString()}: {message.GetProperty("size").GetInt64()} bytes, submitted {message.GetProperty("submitted").GetString()}, expires {message.GetProperty("expires").GetString()}");
        foreach (var delivery in message.GetProperty("deliveries").EnumerateArray())
        {
            context.Out.WriteLine($"  {delivery.GetProperty("to").GetString()}: {delivery.GetProperty("state").GetString()}, {delivery.GetProperty("notificationsSent").GetInt32()} notifications sent");
            if (delivery.TryGetProperty("custody", out var custody) && custody.ValueKind == JsonValueKind.Object)
            {
                // Offered to a gateway instead of notified: why it still waits.
                var reason = custody.GetProperty("reason").ValueKind == JsonValueKind.String ? $" {custody.GetProperty("reason").GetString()}" : "";
                var detail = custody.GetProperty("detail").ValueKind == JsonValueKind.String ? $" ({custody.GetProperty("detail").GetString()})" : "";
                context.Out.WriteLine($"    offered to gateway {custody.GetProperty("gateway").GetString()} {custody.GetProperty("offers").GetInt32()} times, last answer {custody.GetProperty("answer").GetString()}{reason}{detail}");
            }
        }
    }
}
