using System.Buffers.Text;
using System.Text;

namespace Tern.ClientApi.Events;

internal sealed partial class EventLog
{
    /// <summary>
    /// Rebuilds every user's index from the file and cuts a torn last line (one a crash left without its newline: it was
    /// never flushed, so never readable, and its sequence was never seen). A whole line that does not parse, or whose
    /// sequence is not its user's next, is skipped. Returns the length kept.
    /// </summary>
    private long Recover()
    {
        if (!File.Exists(_path))
        {
            return 0;
        }

        using var stream = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
        var buffer = new byte[1 << 20];
        var filled = 0;
        long consumed = 0;
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                IndexLine(buffer.AsSpan(start, newline - start), consumed + start);
                start = newline + 1;
            }

            consumed += start;
            if (read == 0)
            {
                break;
            }

            // Keep the unfinished line; a line longer than the buffer is corrupt and dropped with what follows it.
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                break;
            }
        }

        if (consumed < stream.Length)
        {
            stream.SetLength(consumed);
            stream.Flush(flushToDisk: true);
        }

        return consumed;
    }

    private void IndexLine(ReadOnlySpan<byte> line, long offset)
    {
        var firstTab = line.IndexOf((byte)'\t');
        if (firstTab <= 0)
        {
            return;
        }

        var rest = line[(firstTab + 1)..];
        var secondTab = rest.IndexOf((byte)'\t');
        if (secondTab <= 0 || !Utf8Parser.TryParse(rest[..secondTab], out ulong sequence, out var used) || used != secondTab)
        {
            return;
        }

        var json = rest[(secondTab + 1)..];
        var user = Encoding.UTF8.GetString(line[..firstTab]);
        var log = LogOf(user);

        // A compacted log starts each user at the oldest event kept, not at 1.
        var expected = log.Lines.Count == 0 && log.Committed == 0 ? sequence : log.Committed + 1;
        if (sequence == 0 || sequence != expected || json.Length is 0 or > MaxLineBytes)
        {
            return;
        }

        if (log.Lines.Count == 0)
        {
            log.First = sequence;
        }

        log.Lines.Add(Pack(offset + firstTab + 1 + secondTab + 1, json.Length));
        log.Committed = sequence;
        log.Assigned = sequence;
        Count++;
    }
}
