using System.Text;
using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>How <c>tern events</c> prints an event (docs/C2S.md §15): its JSON as it came, one a line, or a line for people.</summary>
internal static class EventPrinter
{
    public static void Print(CliContext context, string json, bool asJson)
    {
        if (asJson)
        {
            context.Out.WriteLine(json);
            return;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var line = new StringBuilder();
        line.Append(root.GetProperty("sequence").GetString()).Append('\t').Append(root.GetProperty("type").GetString()).Append('\t').Append(root.GetProperty("time").GetString());
        foreach (var field in root.EnumerateObject())
        {
            if (field.Name is "sequence" or "type" or "time")
            {
                continue;
            }

            line.Append('\t').Append(field.Name).Append('=').Append(field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText());
        }

        context.Out.WriteLine(line.ToString());
    }
}
