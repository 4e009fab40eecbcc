using System.CommandLine;
using System.Text;
using System.Text.Json;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern label add|remove ID LABEL…</c>, <c>tern label list</c>, <c>tern label delete LABEL</c>: the labels of stored
/// messages (docs/C2S.md §8), shared by every device of the user (each change is a <c>labels_changed</c> event).
/// </summary>
internal static class LabelCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("label", """
            Labels on your stored messages ('inbox' is one; a new message has it). Every device of yours sees the same.
            Examples:
              tern label add <id> work projects/tern
              tern label remove <id> inbox
              tern label list
              tern label delete work            # from every message
              tern stored --label work
            """);
        command.Add(Change(context, "add", "Add labels to a stored message; prints its labels after."));
        command.Add(Change(context, "remove", "Remove labels from a stored message; prints its labels after."));
        command.Add(List(context));
        command.Add(Delete(context));
        return command;
    }

    private static Command Change(CliContext context, string verb, string description)
    {
        var id = ClientArguments.Identifier("id", "The stored message (from 'tern stored').");
        var labels = new Argument<string[]>("labels") { Description = "One or more labels (1-64 bytes of UTF-8 each).", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command(verb, description) { id, labels, json };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var body = JsonSerializer.Serialize(new Dictionary<string, string[]> { [verb] = result.GetRequiredValue(labels) });
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var item = await api.SendJsonAsync(HttpMethod.Patch, "v1/stored/" + Uri.EscapeDataString(result.GetRequiredValue(id)), content, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, item.RootElement);
            }
            else
            {
                context.Out.WriteLine($"{item.RootElement.GetProperty("id").GetString()}\t{string.Join(' ', item.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()))}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("list", "Your labels and how many messages carry each.") { json };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var list = await api.GetJsonAsync("v1/labels", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, list.RootElement);
                return ExitCodes.Ok;
            }

            foreach (var label in list.RootElement.GetProperty("labels").EnumerateArray())
            {
                context.Out.WriteLine($"{label.GetProperty("label").GetString()}\t{label.GetProperty("count").GetInt32()}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CliContext context)
    {
        var label = new Argument<string>("label") { Description = "The label to take off every message." };
        var settings = new ClientSettings();
        var command = new Command("delete", "Remove a label from every message that has it.") { label };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            await api.SendAsync(HttpMethod.Delete, "v1/labels/" + Uri.EscapeDataString(result.GetRequiredValue(label)), null, cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine($"deleted {result.GetRequiredValue(label)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
