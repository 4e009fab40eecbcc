using System.Buffers.Binary;
using System.Collections.Concurrent;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Storage;

namespace Tern.Node.Stages;

/// <summary>
/// The immediate pulls handed to the pull queue and not yet completed. A pull cut by a stop leaves its reference pending
/// but nothing would pull it again (a retransmission of a reference already filed is a duplicate, which queues nothing),
/// so the stop writes the outstanding ones to <c>state/interrupted-pulls.bin</c> and the next start queues them again;
/// the queue reads each back from the pending table, so one fetched or retracted meanwhile is skipped.
/// </summary>
internal sealed class InterruptedPulls : IImmediatePullQueue
{
    /// <summary>Most pulls remembered; beyond it a pull cut by a stop stays pending for a client, as when the queue is full.</summary>
    public const int MaxTracked = 100_000;

    private const int RecordSize = 32 + 32 + 8;
    private readonly ConcurrentDictionary<FetchCapability, (RecipientHash Hash, ulong Sequence)> _outstanding = new();
    private readonly IImmediatePullQueue _queue;

    public InterruptedPulls(IImmediatePullQueue queue) => _queue = queue;

    /// <summary>The file under the data directory's <c>state/</c>.</summary>
    public static string File(string dataDirectory) => Path.Combine(TernDataDirectory.State(dataDirectory), "interrupted-pulls.bin");

    public int Count => _outstanding.Count;

    public bool TryEnqueue(FetchCapability capability, RecipientHash recipientHash, ulong sequence)
    {
        if (!_queue.TryEnqueue(capability, recipientHash, sequence))
        {
            return false;
        }

        if (_outstanding.Count < MaxTracked)
        {
            _outstanding[capability] = (recipientHash, sequence);
        }

        return true;
    }

    /// <summary>A pull that ended (stored, refused, failed after its attempts): not an interrupted one.</summary>
    public void Completed(PullResult result) => _outstanding.TryRemove(result.Capability, out _);

    /// <summary>Writes the outstanding pulls (none: removes the file).</summary>
    public void Save(string path)
    {
        var records = _outstanding.ToArray();
        if (records.Length == 0)
        {
            System.IO.File.Delete(path);
            return;
        }

        var bytes = new byte[records.Length * RecordSize];
        for (var i = 0; i < records.Length; i++)
        {
            var record = bytes.AsSpan(i * RecordSize, RecordSize);
            records[i].Key.CopyTo(record);
            records[i].Value.Hash.Value.CopyTo(record[32..]);
            BinaryPrimitives.WriteUInt64LittleEndian(record[64..], records[i].Value.Sequence);
        }

        AtomicFile.Write(path, bytes);
    }

    /// <summary>Queues again the pulls a previous run saved, then removes the file; returns how many were queued.</summary>
    public int Resume(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return 0;
        }

        var bytes = System.IO.File.ReadAllBytes(path);
        var queued = 0;
        for (var offset = 0; offset + RecordSize <= bytes.Length; offset += RecordSize)
        {
            var record = bytes.AsSpan(offset, RecordSize);
            if (TryEnqueue(new FetchCapability(record[..32]), new RecipientHash(record.Slice(32, 32)), BinaryPrimitives.ReadUInt64LittleEndian(record[64..])))
            {
                queued++;
            }
        }

        System.IO.File.Delete(path);
        return queued;
    }
}
