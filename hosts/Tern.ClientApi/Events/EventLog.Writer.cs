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

        // Deferred lines written and not yet flushed, so not yet readable: the next flush takes them along, and they are
        // published before whatever it flushed after them.
        var held = new List<(Pending Item, long Line)>();

        // Recorded lines written and not yet flushed: their records hold them, so no flush is owed for them alone until a
        // barrier asks (the store's checkpoint) or another line's flush takes them along; then their records are told.
        // Deferred lines held count too.
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
                    // The deferred flush's own barrier has no waiter: it only asks for the flush.
                    if (item.Done is not null)
                    {
                        barriers.Add(item.Done);
                    }
                    else
                    {
                        _deferredFlushAsked = true;
                    }

                    continue;
                }

                if (item.After is { } after)
                {
                    // A line its caller records itself: what precedes it is flushed and readable first, and it is written
                    // only once that record is durable (a failed one writes it like any other).
                    if (buffer.Length > 0 || held.Count > 0)
                    {
                        await WriteAsync(buffer, flush: true).ConfigureAwait(false);
                        PublishHeld(held);
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

            var flushAsked = barriers.Count > 0 || compaction is not null || _deferredFlushAsked;
            if (buffer.Length > 0 && !flushAsked && batch.TrueForAll(static line => line.Item.Deferred))
            {
                // Only deferred lines: written now, flushed and readable with the next flush, or once the delay is up.
                await WriteAsync(buffer, flush: false).ConfigureAwait(false);
                held.AddRange(batch);
                batch.Clear();
                Volatile.Write(ref _heldDeferred, held.Count);
                unflushed = true;
                if (!_deferredFlushArmed)
                {
                    _deferredFlushArmed = true;
                    _deferredFlush.Change(_deferredFlushDelay, Timeout.InfiniteTimeSpan);
                }
            }
            else if (buffer.Length > 0 || (unflushed && flushAsked))
            {
                await WriteAsync(buffer, flush: true).ConfigureAwait(false);
                unflushed = false;
                PublishHeld(held);
                Tell(told);
            }

            _deferredFlushAsked = false;
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
            PublishHeld(held);
            Tell(told);
        }
    }

    /// <summary>Asks the writer to flush the deferred lines it holds (the deferred flush's timer).</summary>
    private void FlushDeferred()
    {
        _deferredFlushArmed = false;
        _appends.Writer.TryWrite(new Pending("", 0, null, null, Barrier: true));
    }

    /// <summary>Publishes the deferred lines a flush just made durable, before the lines written after them.</summary>
    private void PublishHeld(List<(Pending Item, long Line)> held)
    {
        if (held.Count > 0)
        {
            Publish(held);
            held.Clear();
            Volatile.Write(ref _heldDeferred, 0);
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
