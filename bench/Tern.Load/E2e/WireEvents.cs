using System.Text;
using System.Text.Json;

namespace Tern.Load.E2e;

/// <summary>
/// bob's event stream (<c>GET /v1/events/stream</c>, docs/C2S.md §9) read on a <see cref="WireConnection"/> of its own,
/// blocking: the chunked body's bytes split into lines, server-sent events assembled (event, data; a blank line ends one;
/// other fields and comments skipped), and the stored id of each <c>pulled</c> event handed out in order. The same
/// reading as <see cref="BobEvents"/>, on the caller's thread.
/// </summary>
internal sealed class WireEvents : IDisposable
{
    private readonly WireConnection _connection;
    private readonly List<byte> _line = [];
    private readonly Queue<string> _lines = new();

    public WireEvents(string endpoint, string token, TimeSpan timeout)
    {
        _connection = new WireConnection(endpoint, token, timeout);
        _connection.Send("GET", "/v1/events/stream", accept: "text/event-stream");
        var (status, _, chunked) = _connection.ReceiveHead();
        if (status != 200 || !chunked)
        {
            throw new InvalidOperationException($"e2e-nodes: bob's event stream answered {status}{(chunked ? "" : " without a chunked body")}");
        }
    }

    /// <summary>The stored message id of the next <c>pulled</c> event (other events are skipped).</summary>
    public string NextPulled()
    {
        var type = "message";
        var data = new StringBuilder();
        while (true)
        {
            var line = NextLine();
            if (line.Length == 0)
            {
                if (type == "pulled" && data.Length > 0)
                {
                    using var json = JsonDocument.Parse(data.ToString());
                    return json.RootElement.GetProperty("id").GetString()!;
                }

                type = "message";
                data.Clear();
                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan("data:".Length).TrimStart(' '));
            }
        }
    }

    public void Dispose() => _connection.Dispose();

    private string NextLine()
    {
        string? next;
        while (!_lines.TryDequeue(out next))
        {
            var chunk = _connection.NextChunk();
            if (chunk.IsEmpty)
            {
                throw new InvalidOperationException("e2e-nodes: bob's event stream ended");
            }

            foreach (var b in chunk)
            {
                if (b == (byte)'\n')
                {
                    var count = _line.Count > 0 && _line[^1] == (byte)'\r' ? _line.Count - 1 : _line.Count;
                    _lines.Enqueue(Encoding.UTF8.GetString(_line.GetRange(0, count).ToArray()));
                    _line.Clear();
                }
                else
                {
                    _line.Add(b);
                }
            }
        }

        return next;
    }
}
