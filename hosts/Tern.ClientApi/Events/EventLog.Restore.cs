using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Tern.ClientApi.Events;

internal sealed partial class EventLog
{
    /// <summary>How far back before a recorded line's sequence a copy of it is looked for (a restore after an earlier crash may have put it lower).</summary>
    private const int RestoreLookBack = 4096;

    /// <summary>
    /// Puts back each line <see cref="AppendRecorded"/> returned that this log lost (a crash before its flush): appended
    /// again with its time, under the user's next sequence, which is its own whenever a client could have seen it (it was
    /// readable only once every earlier line was). A line the log holds (at its sequence, or restored lower by an earlier
    /// start) is left alone, so a commit's <c>pulled</c> and a pull's <c>received</c> are in the log once (a line of another
    /// type is matched by its id). Call before anything else is appended.
    /// </summary>
    /// <returns>How many lines were appended again.</returns>
    public int RestoreRecorded(IEnumerable<ReadOnlyMemory<byte>> lines)
    {
        var parsed = new List<(string User, ulong Sequence, UserEvent Event)>();
        foreach (var line in lines)
        {
            if (TryParseLine(line.Span, out var user, out var sequence, out var json) && JsonSerializer.Deserialize(json, UserEventJson.Default.UserEvent) is { } e)
            {
                parsed.Add((user, sequence, e));
            }
        }

        // Each user's in sequence order, so one a client could have seen gets its own sequence back.
        parsed.Sort(static (a, b) => a.User != b.User ? string.CompareOrdinal(a.User, b.User) : a.Sequence.CompareTo(b.Sequence));
        var restored = 0;
        foreach (var (user, sequence, e) in parsed)
        {
            restored += RestoreOne(user, sequence, e) ? 1 : 0;
        }

        return restored;
    }

    private bool RestoreOne(string user, ulong sequence, UserEvent e)
    {
        // A received line names its reference by capability, a pulled one its message by id.
        var received = e.Type == UserEvents.Received;
        var mark = Encoding.UTF8.GetBytes(received ? "\"capability\":\"" + e.Capability + "\"" : "\"id\":\"" + e.Id + "\"");
        var type = Encoding.UTF8.GetBytes("\"type\":\"" + e.Type + "\"");
        lock (_lock)
        {
            if (_users.TryGetValue(user, out var log) && log.Committed > 0)
            {
                var last = Math.Min(sequence, log.Committed);
                var first = Math.Max(log.First, last > RestoreLookBack ? last - RestoreLookBack : 1);
                for (var at = last; at >= first && at >= log.First; at--)
                {
                    var (offset, length) = Unpack(log.Lines[checked((int)(at - log.First))]);
                    var bytes = new byte[length];
                    RandomAccess.Read(_reader, bytes, offset);
                    if (bytes.AsSpan().IndexOf(mark) >= 0 && bytes.AsSpan().IndexOf(type) >= 0)
                    {
                        return false;
                    }
                }
            }
        }

        return Enqueue(user, e, done: null, keepTime: true) != 0;
    }

    private static bool TryParseLine(ReadOnlySpan<byte> line, out string user, out ulong sequence, out ReadOnlySpan<byte> json)
    {
        user = "";
        sequence = 0;
        json = default;
        var firstTab = line.IndexOf((byte)'\t');
        if (firstTab <= 0)
        {
            return false;
        }

        var rest = line[(firstTab + 1)..];
        var secondTab = rest.IndexOf((byte)'\t');
        if (secondTab <= 0 || !Utf8Parser.TryParse(rest[..secondTab], out sequence, out var used) || used != secondTab)
        {
            return false;
        }

        user = Encoding.UTF8.GetString(line[..firstTab]);
        json = rest[(secondTab + 1)..].TrimEnd((byte)'\n');
        return json.Length > 0;
    }
}
