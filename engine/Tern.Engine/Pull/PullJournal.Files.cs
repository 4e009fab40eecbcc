using System.Buffers;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

public sealed partial class PullJournal
{
    /// <summary>
    /// The one writer: takes the records buffered while the last write ran and writes them in one data-synchronous
    /// write (or, past <see cref="PullJournalOptions.CompactAfterBytes"/>, rewrites the file with the open pulls, which
    /// include the batch's), then completes the batch's waiters. Stops when no begun record waits.
    /// </summary>
    private void FlushLoop()
    {
        while (WriteNextBatch())
        {
        }
    }

    /// <summary>
    /// Writes one batch on the thread of the <c>BeginAsync</c> (with <c>writeHere</c>) that became the writer; what begins
    /// meanwhile is left to the pool's writer, so that caller waits for one write only. <paramref name="done"/> completes once nothing of this writer is left (what <see cref="DisposeAsync"/> waits for).
    /// </summary>
    private void WriteHere(TaskCompletionSource done)
    {
        try
        {
            if (!WriteNextBatch())
            {
                return;
            }

            lock (_gate)
            {
                if (_batchHasBegun && _fault is null)
                {
                    _flushing = Task.Run(FlushLoop, CancellationToken.None);
                    return;
                }

                _flusherRunning = false;
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>Writes the batch buffered, if a begun record is in it; false (and the writer stops) when none is.</summary>
    private bool WriteNextBatch()
    {
        ArrayBufferWriter<byte> batch;
        TaskCompletionSource durable;
        long offset;
        byte[][]? open = null;
        lock (_gate)
        {
            if (!_batchHasBegun || _fault is not null)
            {
                _flusherRunning = false;
                return false;
            }

            batch = _batch;
            _batch = _spare;
            durable = _batchDurable;
            _batchDurable = NewBatch();
            _batchHasBegun = false;
            offset = _length;
            if (_compactSoon || _length + batch.WrittenCount > _options.CompactAfterBytes)
            {
                open = RewriteContent();
                _compactSoon = false;
            }
            else
            {
                _length += batch.WrittenCount;
            }
        }

        try
        {
            if (open is null)
            {
                RandomAccess.Write(_file, batch.WrittenSpan, offset);
            }
            else
            {
                Compact(open);
            }

            Interlocked.Increment(ref _writes);
            durable.TrySetResult();
        }
#pragma warning disable CA1031 // A failed write fails its waiters' pulls (they do not start) and every later one.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PullLogMessages.JournalWriteFailed(_logger, _path, ex);
            lock (_gate)
            {
                _fault ??= ex;
            }

            durable.TrySetException(new IOException($"The pull journal '{_path}' could not be written; the pull does not begin.", ex));
        }
        finally
        {
            lock (_gate)
            {
                batch.Clear();
                _spare = batch;
            }
        }

        return true;
    }

    /// <summary>
    /// What a rewrite keeps (under the gate): the open pulls' begun records, and for each ended pull whose annotation its
    /// maker has not yet made durable, its begun record and an ended one.
    /// </summary>
    private byte[][] RewriteContent()
    {
        var content = new List<byte[]>(_open.Count + (2 * _kept.Count));
        foreach (var pull in _open.Values)
        {
            content.Add(pull.Record);
        }

        foreach (var (capability, pull) in _kept)
        {
            if (pull.Annotation!.IsFlushed)
            {
                _kept.Remove(capability);
                continue;
            }

            var ended = new byte[PullJournalCodec.EndedSize];
            PullJournalCodec.Ended(capability, ended);
            content.Add(pull.Record);
            content.Add(ended);
        }

        return [.. content];
    }

    /// <summary>Replaces the file with <paramref name="open"/>'s records and appends from there.</summary>
    private void Compact(byte[][] open)
    {
        var content = new ArrayBufferWriter<byte>(4096);
        foreach (var record in open)
        {
            content.Write(record);
        }

        _file.Dispose();
        Rewrite(_path, content.WrittenSpan, _options.Durable);
        var file = OpenHandle(_path, _options.Durable);
        lock (_gate)
        {
            _file = file;
            _length = content.WrittenCount;
        }

        PullLogMessages.JournalCompacted(_logger, _path, open.Length);
    }

    /// <summary>
    /// The open pulls of the file at <paramref name="path"/>, each with its begun record and annotation, in the order they
    /// began; expired ones left out. <paramref name="ended"/>: the begun records with an annotation of the pulls ended or
    /// expired, which a rewrite keeps for their annotation. Stops at the first record that is torn or damaged (a crash
    /// inside a write).
    /// </summary>
    private static List<(UnfinishedPull Pull, byte[] Record, byte[]? Annotation)> Replay(string path, long nowMs,
        out List<(Protocol.FetchCapability Capability, byte[] Record, byte[] Annotation)> ended, out int records, out bool torn)
    {
        records = 0;
        torn = false;
        var open = new Dictionary<Protocol.FetchCapability, (UnfinishedPull Pull, byte[] Record, int Order, byte[]? Annotation)>();
        var annotated = new Dictionary<Protocol.FetchCapability, (byte[] Record, int Order, byte[] Annotation)>();
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            var offset = 0;
            while (offset < bytes.Length)
            {
                var length = PullJournalCodec.TryRead(bytes.AsSpan(offset), out var type, out var capability, out var hash, out var reference, out var annotation);
                if (length == 0)
                {
                    torn = true;
                    break;
                }

                if (type == PullJournalCodec.BegunType)
                {
                    open[capability] = (new UnfinishedPull(hash, reference!), bytes.AsSpan(offset, length).ToArray(), records, annotation.IsEmpty ? null : annotation.ToArray());
                }
                else if (open.Remove(capability, out var pull) && pull.Annotation is not null)
                {
                    annotated[capability] = (pull.Record, pull.Order, pull.Annotation);
                }

                records++;
                offset += length;
            }
        }

        var live = new List<(UnfinishedPull Pull, byte[] Record, int Order, byte[]? Annotation)>(open.Count);
        foreach (var (capability, pull) in open)
        {
            if (pull.Pull.Reference.TransitExpiryMs > nowMs)
            {
                live.Add(pull);
            }
            else if (pull.Annotation is not null)
            {
                annotated[capability] = (pull.Record, pull.Order, pull.Annotation);
            }
        }

        live.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var kept = new List<(Protocol.FetchCapability Capability, byte[] Record, int Order, byte[] Annotation)>(annotated.Count);
        foreach (var (capability, pull) in annotated)
        {
            kept.Add((capability, pull.Record, pull.Order, pull.Annotation));
        }

        kept.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        ended = kept.ConvertAll(static p => (p.Capability, p.Record, p.Annotation));
        return live.ConvertAll(static p => (p.Pull, p.Record, p.Annotation));
    }

    /// <summary>Replaces the file whole: a crash leaves the old or the new one (durably so when <paramref name="durable"/>).</summary>
    private static void Rewrite(string path, ReadOnlySpan<byte> content, bool durable)
    {
        if (durable)
        {
            AtomicFile.Write(path, content);
            return;
        }

        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content.ToArray());
        File.Move(temporary, path, overwrite: true);
    }
}
