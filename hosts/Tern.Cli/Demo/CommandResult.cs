using System.Text.Json;

namespace Tern.Cli.Demo;

/// <summary>How a <c>tern</c> command the demo ran ended: its exit code, its standard output, and everything it printed.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string Output)
{
    /// <summary>The JSON document the command printed; a <see cref="DemoException"/> when it failed or printed none.</summary>
    public JsonElement Json()
    {
        if (ExitCode != 0)
        {
            throw new DemoException($"{Command} exited {ExitCode}: {Output.Trim()}");
        }

        try
        {
            using var document = JsonDocument.Parse(StandardOutput);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DemoException($"{Command} printed no JSON document: {Output.Trim()}", e);
        }
    }
}
