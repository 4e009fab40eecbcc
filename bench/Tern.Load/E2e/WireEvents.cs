using System.Text;

namespace Tern.Load.E2e;

/// <summary>
/// bob's event stream (<c>GET /v1/events/stream</c>, docs/C2S.md §9) read on a <see cref="WireConnection"/> of its own,
/// blocking: the chunked body's bytes split into lines and read as <see cref="BobEvents"/> reads them
/// (<see cref="PulledEventLines"/>), on the caller's thread.
/// </summary>
internal sealed class WireEvents : IDisposable
{
    private readonly WireConnection _connection;
    private readonly PulledEventLines _events = new();
    private readonly MemoryStream _line = new();
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
        while (true)
        {
            if (_events.Take(NextLine()) is { } id)
            {
                return id;
            }
        }
    }

    public void Dispose()
    {
        _line.Dispose();
        _connection.Dispose();
    }

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
                    var line = _line.GetBuffer().AsSpan(0, (int)_line.Length);
                    _lines.Enqueue(Encoding.UTF8.GetString(line.EndsWith("\r"u8) ? line[..^1] : line));
                    _line.SetLength(0);
                }
                else
                {
                    _line.WriteByte(b);
                }
            }
        }

        return next;
    }
}
