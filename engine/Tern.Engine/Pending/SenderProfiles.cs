using System.Buffers.Binary;
using System.Collections.Concurrent;
using Tern.Engine.Storage;

namespace Tern.Engine.Pending;

/// <summary>
/// The sender profiles the table's references name by id (docs/ARCHITECTURE.md §3.5), kept in memory and appended to
/// <c>profiles.bin</c> at each checkpoint, before the stores' own checkpoint: every profile a recovered reference names
/// is in the file. Ids start at 1 and only grow (0 is a reference that carries its profile inline). Bounded: once
/// <c>capacity</c> profiles exist, <see cref="TryGetOrAdd"/> declines and references carry their profile inline, so a
/// sender varying its hints cannot grow the table's memory.
/// </summary>
internal sealed class SenderProfiles
{
    private const uint FileMagic = 0x50535054; // "TPSP"
    private const int HeaderSize = 8;

    private readonly ConcurrentDictionary<byte[], SenderProfile> _byEncoding = new(DomainNameComparer.Instance);
    private readonly ConcurrentDictionary<byte[], SenderProfile>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Lock _addLock = new();
    private readonly int _capacity;
    private SenderProfile?[] _byId = new SenderProfile?[16];
    private int _next = 1;
    private int _persisted = 1;

    // Bytes of profiles.bin that hold whole records: an append that failed part way is cut back to it before the next.
    private long _fileLength;

    public SenderProfiles(int capacity)
    {
        _capacity = capacity;
        _lookup = _byEncoding.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Profiles held (ids 1 to this).</summary>
    public int Count => Volatile.Read(ref _next) - 1;

    /// <summary>The id of the profile encoded as <paramref name="encoded"/>, added on first sight; false when the table is full.</summary>
    public bool TryGetOrAdd(ReadOnlySpan<byte> encoded, out int id)
    {
        if (_lookup.TryGetValue(encoded, out var profile))
        {
            id = profile.Id;
            return true;
        }

        lock (_addLock)
        {
            if (!_lookup.TryGetValue(encoded, out profile))
            {
                if (Count >= _capacity || SenderProfile.Decode(_next, encoded.ToArray()) is not { } added)
                {
                    id = 0;
                    return false;
                }

                profile = AddLocked(added);
            }

            id = profile.Id;
            return true;
        }
    }

    public SenderProfile? ById(int id)
    {
        var byId = Volatile.Read(ref _byId);
        return (uint)id < (uint)byId.Length ? byId[id] : null;
    }

    /// <summary>
    /// Appends the profiles added since the last call to <paramref name="path"/> and flushes it to disk. The caller
    /// quiesces writers (a checkpoint holds the table's gate).
    /// </summary>
    public void Persist(string path)
    {
        var next = Volatile.Read(ref _next);
        var created = !File.Exists(path);
        if (next == _persisted && !created)
        {
            return;
        }

        using (var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None))
        {
            stream.SetLength(_fileLength);
            stream.Seek(0, SeekOrigin.End);
            Span<byte> word = stackalloc byte[HeaderSize];
            if (_fileLength == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(word, FileMagic);
                BinaryPrimitives.WriteInt32LittleEndian(word[4..], 1);
                stream.Write(word);
            }

            var byId = Volatile.Read(ref _byId);
            for (var id = _persisted; id < next; id++)
            {
                var encoded = byId[id]!.Encoded;
                BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)encoded.Length);
                stream.Write(word[..2]);
                stream.Write(encoded);
            }

            stream.Flush(flushToDisk: true);
            _fileLength = stream.Length;
        }

        if (created)
        {
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        _persisted = next;
    }

    /// <summary>
    /// Loads <paramref name="path"/> into an empty instance. A record cut short at the end (a crash during
    /// <see cref="Persist"/>, before the checkpoint that would have named it) is dropped and the file truncated there;
    /// anything else that does not read back throws.
    /// </summary>
    public void Load(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length < HeaderSize)
        {
            // Cut while it was created: no checkpoint can name a profile of it.
            File.WriteAllBytes(path, []);
            return;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != FileMagic)
        {
            throw new InvalidDataException($"'{path}' is damaged (bad header); the pending table's references cannot be read without it.");
        }

        var offset = HeaderSize;
        lock (_addLock)
        {
            while (offset + 2 <= data.Length)
            {
                var length = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
                if (offset + 2 + length > data.Length)
                {
                    break;
                }

                var encoded = data.AsSpan(offset + 2, length).ToArray();
                if (SenderProfile.Decode(_next, encoded) is not { } profile || _byEncoding.ContainsKey(encoded))
                {
                    throw new InvalidDataException($"'{path}' is damaged (profile {_next} at byte {offset}); the pending table's references cannot be read without it.");
                }

                AddLocked(profile);
                offset += 2 + length;
            }
        }

        if (offset < data.Length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(offset);
            stream.Flush(flushToDisk: true);
        }

        _persisted = _next;
        _fileLength = offset;
    }

    private SenderProfile AddLocked(SenderProfile profile)
    {
        var byId = _byId;
        if (profile.Id >= byId.Length)
        {
            Array.Resize(ref byId, byId.Length * 2);
        }

        byId[profile.Id] = profile;
        Volatile.Write(ref _byId, byId);
        _byEncoding.TryAdd(profile.Encoded, profile);
        Volatile.Write(ref _next, profile.Id + 1);
        return profile;
    }
}
