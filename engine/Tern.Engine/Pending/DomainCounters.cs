using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace Tern.Engine.Pending;

/// <summary>
/// Per-sender-domain counts of pending references, kept in memory (one small object per domain seen) and saved
/// with each checkpoint. A domain gets a dense id that capability entries carry, so removals need no name.
/// </summary>
internal sealed class DomainCounters
{
    private const uint FileMagic = 0x54504443; // "TPDC"

    private readonly ConcurrentDictionary<byte[], DomainCounter> _byName = new(DomainNameComparer.Instance);
    private readonly ConcurrentDictionary<byte[], DomainCounter>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Lock _addLock = new();
    private DomainCounter[] _byId = new DomainCounter[16];
    private int _next;

    public DomainCounters() => _lookup = _byName.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int DomainCount => Volatile.Read(ref _next);

    /// <summary>The counter for <paramref name="name"/>, created on first sight.</summary>
    public DomainCounter GetOrAdd(ReadOnlySpan<byte> name)
    {
        if (_lookup.TryGetValue(name, out var counter))
        {
            return counter;
        }

        lock (_addLock)
        {
            return _lookup.TryGetValue(name, out counter) ? counter : AddLocked(name.ToArray(), 0);
        }
    }

    public DomainCounter? Find(ReadOnlySpan<byte> name) => _lookup.TryGetValue(name, out var counter) ? counter : null;

    public DomainCounter? ById(int id)
    {
        var byId = Volatile.Read(ref _byId);
        return (uint)id < (uint)byId.Length ? byId[id] : null;
    }

    /// <summary>Sets every count (after a recount from the capability store); ids without an entry become 0.</summary>
    public void ResetCounts(ReadOnlySpan<long> countsById)
    {
        var byId = Volatile.Read(ref _byId);
        for (var id = 0; id < DomainCount; id++)
        {
            Interlocked.Exchange(ref byId[id].Count, id < countsById.Length ? countsById[id] : 0);
        }
    }

    /// <summary>Counters at this instant (the caller quiesces writers for an exact snapshot).</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        Span<byte> word = stackalloc byte[12];
        var count = DomainCount;
        BinaryPrimitives.WriteUInt32LittleEndian(word, FileMagic);
        BinaryPrimitives.WriteInt32LittleEndian(word[4..], count);
        stream.Write(word[..8]);
        var byId = Volatile.Read(ref _byId);
        for (var id = 0; id < count; id++)
        {
            var counter = byId[id];
            BinaryPrimitives.WriteInt64LittleEndian(word, Interlocked.Read(ref counter.Count));
            word[8] = (byte)counter.Name.Length;
            stream.Write(word[..9]);
            stream.Write(counter.Name);
        }

        return stream.ToArray();
    }

    /// <summary>Loads counters saved by <see cref="Serialize"/> into an empty instance; throws on a damaged file.</summary>
    public void Load(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(data) != FileMagic)
        {
            throw new InvalidDataException("The pending table's domain counter file is damaged (bad header).");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        var offset = 8;
        lock (_addLock)
        {
            for (var id = 0; id < count; id++)
            {
                if (offset + 9 > data.Length || offset + 9 + data[offset + 8] > data.Length)
                {
                    throw new InvalidDataException($"The pending table's domain counter file is damaged (truncated at domain {id} of {count}).");
                }

                var value = BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
                var name = data.Slice(offset + 9, data[offset + 8]).ToArray();
                offset += 9 + name.Length;
                if (_byName.ContainsKey(name))
                {
                    throw new InvalidDataException($"The pending table's domain counter file is damaged (domain '{Encoding.ASCII.GetString(name)}' twice).");
                }

                AddLocked(name, value);
            }
        }
    }

    private DomainCounter AddLocked(byte[] name, long count)
    {
        var id = _next;
        var counter = new DomainCounter(id, name, count);
        var byId = _byId;
        if (id == byId.Length)
        {
            Array.Resize(ref byId, byId.Length * 2);
        }

        byId[id] = counter;
        Volatile.Write(ref _byId, byId);
        _byName.TryAdd(name, counter);
        Volatile.Write(ref _next, id + 1);
        return counter;
    }
}
