using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Tern.Engine.Crypto;

namespace Tern.Engine.Ingest;

/// <summary>
/// Receive keys derived per sender agreement key (docs/PROTOCOL.md §4.3), in a fixed-size table so a flood
/// of random keys cannot grow memory: open addressing over <see cref="Capacity"/> slots with a CLOCK
/// second-chance eviction. Each slot holds the key as an <see cref="XChaCha20Poly1305Key"/> state, which keeps the
/// subkey of the sender's nonce prefix. Lookups and inserts allocate nothing. Not thread-safe: one per ingest loop.
/// </summary>
/// <remarks>
/// An entry is evicted only by another insert into the same table, so the ingest keeps one table per kind of key
/// (verified, known from discovery, on probation; docs/ARCHITECTURE.md §3.6): what may enter one cannot push out
/// what another holds.
/// </remarks>
internal sealed class PeerKeyCache
{
    private const int Probe = 8;

    private readonly byte[] _senderKeys;
    private readonly byte[] _keyStates;
    private readonly bool[] _used;
    private readonly bool[] _referenced;
    private readonly int _mask;
    private int _hand;

    /// <summary>Creates a cache of at least <paramref name="capacity"/> slots (rounded up to a power of two).</summary>
    public PeerKeyCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, Probe);
        Capacity = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _mask = Capacity - 1;
        _senderKeys = new byte[Capacity * X25519.PublicKeySize];
        _keyStates = GC.AllocateArray<byte>(Capacity * XChaCha20Poly1305Key.StateSize, pinned: true);
        _used = new bool[Capacity];
        _referenced = new bool[Capacity];
    }

    /// <summary>Slots in the table.</summary>
    public int Capacity { get; }

    /// <summary>Keys currently cached.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Finds the receive key of <paramref name="senderKey"/>, as a state for <see cref="XChaCha20Poly1305Key.TryOpen(Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>;
    /// the span stays valid until the next <see cref="Add"/>.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> senderKey, out Span<byte> receiveKey)
    {
        var start = Slot(senderKey);
        for (var i = 0; i < Probe; i++)
        {
            var slot = (start + i) & _mask;
            if (_used[slot] && SenderKey(slot).SequenceEqual(senderKey))
            {
                _referenced[slot] = true;
                receiveKey = KeyState(slot);
                return true;
            }
        }

        receiveKey = default;
        return false;
    }

    /// <summary>Caches a derived key, evicting a cold entry of the probe window when it is full; returns its state.</summary>
    public Span<byte> Add(ReadOnlySpan<byte> senderKey, ReadOnlySpan<byte> receiveKey)
    {
        var start = Slot(senderKey);
        var slot = -1;
        for (var i = 0; i < Probe && slot < 0; i++)
        {
            var candidate = (start + i) & _mask;
            if (!_used[candidate] || SenderKey(candidate).SequenceEqual(senderKey))
            {
                slot = candidate;
            }
        }

        if (slot < 0)
        {
            // CLOCK inside the probe window: the first entry not used since the hand last passed goes.
            while (true)
            {
                var candidate = (start + (_hand++ & (Probe - 1))) & _mask;
                if (!_referenced[candidate])
                {
                    slot = candidate;
                    break;
                }

                _referenced[candidate] = false;
            }
        }

        if (!_used[slot])
        {
            _used[slot] = true;
            Count++;
        }

        _referenced[slot] = false;
        senderKey.CopyTo(_senderKeys.AsSpan(slot * X25519.PublicKeySize));
        var stored = KeyState(slot);
        XChaCha20Poly1305Key.SetKey(stored, receiveKey);
        return stored;
    }

    /// <summary>Removes <paramref name="senderKey"/>'s entry, copying its receive key to <paramref name="receiveKey"/> first; false when absent.</summary>
    public bool TryTake(ReadOnlySpan<byte> senderKey, Span<byte> receiveKey)
    {
        var start = Slot(senderKey);
        for (var i = 0; i < Probe; i++)
        {
            var slot = (start + i) & _mask;
            if (_used[slot] && SenderKey(slot).SequenceEqual(senderKey))
            {
                XChaCha20Poly1305Key.KeyOf(KeyState(slot)).CopyTo(receiveKey);
                CryptographicOperations.ZeroMemory(KeyState(slot));
                _used[slot] = false;
                _referenced[slot] = false;
                Count--;
                return true;
            }
        }

        return false;
    }

    /// <summary>Empties the table and wipes every key it held.</summary>
    public void Wipe()
    {
        CryptographicOperations.ZeroMemory(_keyStates);
        Array.Clear(_used);
        Array.Clear(_referenced);
        Count = 0;
    }

    private Span<byte> KeyState(int slot) => _keyStates.AsSpan(slot * XChaCha20Poly1305Key.StateSize, XChaCha20Poly1305Key.StateSize);

    private Span<byte> SenderKey(int slot) => _senderKeys.AsSpan(slot * X25519.PublicKeySize, X25519.PublicKeySize);

    // Sender keys are attacker-chosen: HashCode is seeded per process, so nobody can aim keys at the
    // probe window of a legitimate peer to evict it.
    private int Slot(ReadOnlySpan<byte> senderKey)
        => HashCode.Combine(
            BinaryPrimitives.ReadUInt64LittleEndian(senderKey),
            BinaryPrimitives.ReadUInt64LittleEndian(senderKey[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(senderKey[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(senderKey[24..])) & _mask;
}
