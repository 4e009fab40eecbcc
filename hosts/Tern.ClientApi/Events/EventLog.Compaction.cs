using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Events;

internal sealed partial class EventLog
{
    /// <summary>The new file a compaction writes beside the log before it renames it over the log.</summary>
    public const string CompactSuffix = ".compact";

    private Microsoft.Win32.SafeHandles.SafeFileHandle? _retiredReader;

    /// <summary>
    /// Called after each step of a compaction with its name (<c>written</c>: the new file is on disk; <c>renamed</c>: it
    /// replaced the log; <c>synced</c>: the rename is on disk; <c>swapped</c>: the index reads the new file). Tests stop
    /// there and open a copy of the directory, as a crash at that point would leave it.
    /// </summary>
    internal Action<string>? CompactionStep { get; set; }

    /// <summary>
    /// Rewrites the log without the events older than <paramref name="retention"/> (docs/C2S.md §11, §15 "Storage"),
    /// keeping at least <paramref name="minEventsPerUser"/> last events of each user, and rebuilds the index. Runs on the
    /// writer between two batches: appends wait in the channel meanwhile (Append never blocks), reads go on. Crash-safe
    /// at every step: the new file is written and flushed beside the log, then renamed over it (atomic) and the
    /// directory flushed; a crash before the rename leaves the old log whole (the open drops the new file), after it the
    /// new log whole. Sequences are never reused: a user's last event is always kept.
    /// </summary>
    /// <returns>The number of events dropped.</returns>
    public Task<long> CompactAsync(TimeSpan retention, int minEventsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(minEventsPerUser, 1);
        var request = new Compaction(retention, minEventsPerUser);
        ObjectDisposedException.ThrowIf(!_appends.Writer.TryWrite(new Pending("", 0, null, null, request)), this);
        return request.Done.Task;
    }

    /// <summary>The log file's length on disk (the start-up compaction compares it with its threshold).</summary>
    public long Length
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    private void RunCompaction(Compaction request)
    {
        try
        {
            request.Done.TrySetResult(Compact(request));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The old log is still whole and still the one appended to; the next compaction tries again.
            File.Delete(_path + CompactSuffix);
            request.Done.TrySetException(e);
        }
    }

    private long Compact(Compaction request)
    {
        var cutoffMs = (_time.GetUtcNow() - request.Retention).ToUnixTimeMilliseconds();
        var length = _length;

        // Pass 1: each user's first event recent enough to keep (a user's events are in time order).
        var firstRecent = new Dictionary<string, ulong>(StringComparer.Ordinal);
        ForEachLine(length, (user, sequence, json, _) =>
        {
            if (!firstRecent.ContainsKey(user) && TimeOf(json) >= cutoffMs)
            {
                firstRecent[user] = sequence;
            }
        });

        var keepFrom = new Dictionary<string, ulong>(StringComparer.Ordinal);
        long dropped = 0;
        lock (_lock)
        {
            foreach (var (user, log) in _users)
            {
                if (log.Committed == 0)
                {
                    continue;
                }

                var byCount = log.Committed >= (ulong)request.MinEventsPerUser ? log.Committed - (ulong)request.MinEventsPerUser + 1 : 1;
                var from = Math.Max(log.First, Math.Min(firstRecent.GetValueOrDefault(user, log.Committed + 1), byCount));
                keepFrom[user] = from;
                dropped += (long)(from - log.First);
            }
        }

        if (dropped == 0)
        {
            return 0;
        }

        // Pass 2: the kept lines, as they are, into the new file, and the new index.
        var temporary = _path + CompactSuffix;
        var lines = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        var next = new Dictionary<string, ulong>(StringComparer.Ordinal);
        long written;
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            ForEachLine(length, (user, sequence, json, line) =>
            {
                // Only the lines the index holds: each user's next sequence from the first kept (the open skipped any other).
                if (!keepFrom.TryGetValue(user, out var from) || sequence != next.GetValueOrDefault(user, from))
                {
                    return;
                }

                next[user] = sequence + 1;

                var jsonOffset = output.Position + (line.Length - json.Length);
                output.Write(line);
                output.WriteByte((byte)'\n');
                if (!lines.TryGetValue(user, out var list))
                {
                    lines[user] = list = [];
                }

                list.Add(Pack(jsonOffset, json.Length));
            });
            output.Flush(flushToDisk: true);
            written = output.Length;
        }

        CompactionStep?.Invoke("written");
        File.Move(temporary, _path, overwrite: true);
        CompactionStep?.Invoke("renamed");
        DirectorySync.Flush(Path.GetDirectoryName(_path)!);
        CompactionStep?.Invoke("synced");

        var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read, 1 << 16) { Position = written };
        var reader = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var oldFile = _file;
        lock (_lock)
        {
            // Nothing was published meanwhile: this writer is the only publisher, and it is here.
            long count = 0;
            foreach (var (user, from) in keepFrom)
            {
                var log = _users[user];
                log.First = from;
                log.Lines = lines.GetValueOrDefault(user) ?? [];
                count += log.Lines.Count;
            }

            _retiredReader?.Dispose();
            _retiredReader = _reader;
            _reader = reader;
            _file = file;
            _length = written;
            Count = count;
        }

        oldFile.Dispose();
        CompactionStep?.Invoke("swapped");
        return dropped;
    }

    /// <summary>The <c>time</c> of an event's JSON in ms since the epoch (the third member as the log writes it); long.MaxValue when unreadable, so it is kept.</summary>
    private static long TimeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("time"u8))
                {
                    return reader.Read() && reader.TryGetDateTimeOffset(out var time) ? time.ToUnixTimeMilliseconds() : long.MaxValue;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }

        return long.MaxValue;
    }

    private delegate void LineVisitor(string user, ulong sequence, ReadOnlySpan<byte> json, ReadOnlySpan<byte> line);

    /// <summary>Every whole line of the first <paramref name="length"/> bytes of the log that parses, in file order.</summary>
    private void ForEachLine(long length, LineVisitor visit)
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        var buffer = new byte[MaxLineBytes + 1 + (1 << 16)];
        var filled = 0;
        long remaining = length;
        while (true)
        {
            var read = stream.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, remaining));
            remaining -= read;
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                var line = buffer.AsSpan(start, newline - start);
                var first = line.IndexOf((byte)'\t');
                var rest = first > 0 ? line[(first + 1)..] : default;
                var second = rest.IndexOf((byte)'\t');
                if (first > 0 && second > 0 && Utf8Parser.TryParse(rest[..second], out ulong sequence, out var used) && used == second)
                {
                    visit(Encoding.UTF8.GetString(line[..first]), sequence, rest[(second + 1)..], line);
                }

                start = newline + 1;
            }

            if (read == 0 || remaining == 0)
            {
                return;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                return;
            }
        }
    }
}
