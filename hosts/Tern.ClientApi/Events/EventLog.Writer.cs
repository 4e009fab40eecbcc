using System.Globalization;
using System.Text;

namespace Tern.ClientApi.Events;

internal sealed partial class EventLog
{
    private async Task WriteLoopAsync()
    {
        var batch = new List<(Pending Item, long Line)>();
        var barriers = new List<TaskCompletionSource>();
        var buffer = new MemoryStream();

        // Recorded lines written and not yet flushed: their records hold them, so no flush is owed for them alone until a
        // barrier asks (the store's checkpoint) or another line's flush takes them along; then their records are told.
        var unflushed = false;
        var told = new List<Action>();
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            buffer.SetLength(0);
            Compaction? compaction = null;
            var taken = 0;
            while (taken++ < 4096 && _appends.Reader.TryRead(out var item))
            {
                if (item.Compact is { } request)
                {
                    // Everything before it is written first; what comes after waits in the channel meanwhile.
                    compaction = request;
                    break;
                }

                if (item.Barrier)
                {
                    barriers.Add(item.Done!);
                    continue;
                }

                if (item.After is { } after)
                {
                    // A line its caller records itself: what precedes it is flushed and readable first, and it is written
                    // only once that record is durable (a failed one writes it like any other).
                    if (buffer.Length > 0)
                    {
                        await WriteAsync(buffer, flush: true).ConfigureAwait(false);
                        Publish(batch);
                        batch.Clear();
                        unflushed = false;
                        Tell(told);
                    }

                    await after.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    Add(buffer, batch, item);
                    if (item.Flushed is { } flushed)
                    {
                        told.Add(flushed);
                    }

                    if (after.IsCompletedSuccessfully)
                    {
                        await WriteAsync(buffer, flush: false).ConfigureAwait(false);
                        Publish(batch);
                        batch.Clear();
                        unflushed = true;
                    }

                    continue;
                }

                Add(buffer, batch, item);
            }

            if (buffer.Length > 0 || (unflushed && (barriers.Count > 0 || compaction is not null)))
            {
                await WriteAsync(buffer, flush: true).ConfigureAwait(false);
                unflushed = false;
                Tell(told);
            }

            Publish(batch);
            batch.Clear();
            foreach (var barrier in barriers)
            {
                barrier.TrySetResult();
            }

            barriers.Clear();
            if (compaction is not null)
            {
                RunCompaction(compaction);
            }
        }

        if (unflushed)
        {
            await WriteAsync(buffer, flush: true).ConfigureAwait(false);
            Tell(told);
        }
    }

    /// <summary>Tells the records of the recorded lines a flush just covered that they may let them go.</summary>
    private static void Tell(List<Action> told)
    {
        foreach (var flushed in told)
        {
            flushed();
        }

        told.Clear();
    }

    private void Add(MemoryStream buffer, List<(Pending Item, long Line)> batch, Pending item)
    {
        var prefix = Encoding.UTF8.GetBytes(item.User + "\t" + item.Sequence.ToString(CultureInfo.InvariantCulture) + "\t");
        var json = item.Json ?? Serialize(item.Event);
        buffer.Write(prefix);
        var offset = _length + buffer.Length;
        buffer.Write(json);
        buffer.WriteByte((byte)'\n');
        batch.Add((item, Pack(offset, json.Length)));
    }

    /// <summary>
    /// Writes the buffer at the end of the file (and flushes it with what is unflushed before it), then empties it. A write
    /// that fails (a full disk) is retried until it succeeds, so no sequence is skipped and none is reused: events are
    /// readable in order or not yet. AppendAsync callers wait; Append callers never do.
    /// </summary>
    private async Task WriteAsync(MemoryStream buffer, bool flush)
    {
        while (!TryWrite(buffer, flush))
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        buffer.SetLength(0);
    }

    private bool TryWrite(MemoryStream buffer, bool flush)
    {
        try
        {
            _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _file.Flush(flushToDisk: flush && _durable);
            _length += buffer.Length;
            if (flush && _durable)
            {
                Interlocked.Increment(ref _flushes);
            }
            return true;
        }
        catch (IOException)
        {
            // Cut whatever part of the batch reached the file, so the retry writes it whole after the last good line.
            try
            {
                _file.SetLength(_length);
                _file.Position = _length;
            }
            catch (IOException)
            {
                // The recovery scan cuts a torn line if the process stops before a retry succeeds.
            }

            return false;
        }
    }

    /// <summary>Makes a written batch readable and wakes the waiters of each user it touched.</summary>
    private void Publish(List<(Pending Item, long Line)> batch)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_lock)
        {
            foreach (var (item, line) in batch)
            {
                var log = _users[item.User];
                log.Lines.Add(line);
                log.Committed = item.Sequence;
                Count++;
                if (!log.Woken)
                {
                    // Once per user and batch: the waiters wake, read everything committed, and wait on the new signal.
                    log.Woken = true;
                    (wake ??= []).Add(log.Changed);
                    log.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            foreach (var (item, _) in batch)
            {
                _users[item.User].Woken = false;
            }
        }

        foreach (var (item, _) in batch)
        {
            item.Done?.TrySetResult();
        }

        if (wake is not null)
        {
            foreach (var signal in wake)
            {
                signal.TrySetResult();
            }
        }
    }
}
