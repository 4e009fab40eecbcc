using System.Text;
using System.Text.Json;

namespace Tern.Load.E2e;

/// <summary>
/// Server-sent events assembled line by line (event, data; a blank line ends one; other fields and comments skipped),
/// as bob's clients read his event stream (docs/C2S.md §9): <see cref="Take"/> answers the stored id once a line ends a
/// <c>pulled</c> event. One reading for the asynchronous client (<see cref="BobEvents"/>) and the blocking one
/// (<see cref="WireEvents"/>).
/// </summary>
internal sealed class PulledEventLines
{
    private readonly StringBuilder _data = new();
    private string _type = "message";

    /// <summary>Takes the next line (without its end); the stored id when it ends a <c>pulled</c> event, else null.</summary>
    public string? Take(string line)
    {
        if (line.Length == 0)
        {
            string? id = null;
            if (_type == "pulled" && _data.Length > 0)
            {
                using var json = JsonDocument.Parse(_data.ToString());
                id = json.RootElement.GetProperty("id").GetString()!;
            }

            _type = "message";
            _data.Clear();
            return id;
        }

        if (line.StartsWith("event:", StringComparison.Ordinal))
        {
            _type = line["event:".Length..].Trim();
        }
        else if (line.StartsWith("data:", StringComparison.Ordinal))
        {
            _data.Append(line.AsSpan("data:".Length).TrimStart(' '));
        }

        return null;
    }
}
