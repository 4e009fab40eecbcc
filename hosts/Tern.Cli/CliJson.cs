using System.Text;
using System.Text.Json;

namespace Tern.Cli;

/// <summary>Writes one JSON document, then a newline, to the command's output (<c>--json</c>).</summary>
internal static class CliJson
{
    public static void Write(CliContext context, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            write(writer);
        }

        context.Out.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Writes a JSON document the node answered as it came (compact, one line).</summary>
    public static void Write(CliContext context, JsonElement document) => Write(context, document.WriteTo);
}
