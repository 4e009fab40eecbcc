using System.Security.Cryptography;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>
/// Receive keys derived in advance for peers this node knows from discovery: domains it sent notifications to or
/// pulled from (docs/ARCHITECTURE.md §3.6). Their first datagram then costs no X25519 and draws on no cold-key budget,
/// and no flood — forged or genuine keys — can push them out of an ingest's cache. Thread-safe: resolvers on any thread
/// <see cref="Learn"/>; each <see cref="NotificationIngest"/> given it copies new keys into its own table between
/// batches.
/// </summary>
/// <remarks>
/// Keys are published into a ring of <see cref="Capacity"/> entries; a key learned again after half a ring has gone by
/// is published again, so the peers a node keeps talking to stay in the ring while one-off peers age out.
/// </remarks>
public sealed class KnownPeerKeys : IDisposable
{
    private const int EntrySize = 2 * Bytes32.Size;

    private DomainKeySet _keys;
    private long _generationStart;
    private readonly Lock _lock = new();
    private readonly Dictionary<Bytes32, long> _lastPublished = [];
    private readonly byte[] _ring;
    private readonly Bytes32[] _ringKeys;
    private long _published;
    private bool _disposed;

    /// <summary>Derives receive keys of <paramref name="keys"/>' domain for up to <paramref name="capacity"/> peers. Defaults to 4 096 (384 KiB in each ingest).</summary>
    public KnownPeerKeys(DomainKeySet keys, int capacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 8);
        _keys = keys;
        Capacity = capacity;
        _ring = GC.AllocateArray<byte>(capacity * EntrySize, pinned: true);
        _ringKeys = new Bytes32[capacity];
    }

    /// <summary>Peers kept.</summary>
    public int Capacity { get; }

    /// <summary>Keys published so far (a key learned again after half a ring counts again).</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>The key set whose receive keys these are (the domain's current one: <see cref="Rekey"/> changes it).</summary>
    internal DomainKeySet Keys => Volatile.Read(ref _keys);

    /// <summary>
    /// The sequence number of the first key derived with <see cref="Keys"/>: entries before it were derived with an earlier key
    /// set, and a reader that saw another value starts again from this one.
    /// </summary>
    public long GenerationStart => Volatile.Read(ref _generationStart);

    /// <summary>
    /// Derives every peer kept again with <paramref name="keys"/>, the same domain's new key set (docs/PROTOCOL.md §16.4), and
    /// learns with it from now on. Costs one agreement per peer kept, on the caller's thread.
    /// </summary>
    public void Rekey(DomainKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        List<Bytes32> peers;
        lock (_lock)
        {
            if (_disposed || ReferenceEquals(keys, _keys))
            {
                return;
            }

            peers = [.. _lastPublished.Keys];
            Volatile.Write(ref _keys, keys);
            _lastPublished.Clear();
            Volatile.Write(ref _generationStart, _published);
        }

        foreach (var peer in peers)
        {
            Learn(peer);
        }
    }

    /// <summary>
    /// Remembers <paramref name="peerAgreementKey"/> (a peer's X25519 key from its verified descriptor) and derives the
    /// key its datagrams are sealed with, once. False for a low-order key, which no datagram can open under, and once disposed.
    /// </summary>
    public bool Learn(Bytes32 peerAgreementKey)
    {
        DomainKeySet keys;
        long generation;
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            if (_lastPublished.TryGetValue(peerAgreementKey, out var at) && at >= _published - (Capacity / 2))
            {
                return true;
            }

            keys = _keys;
            generation = _generationStart;
        }

        // The agreement outside the lock: learners on other threads do not wait for it.
        Span<byte> peer = stackalloc byte[Bytes32.Size];
        Span<byte> derived = stackalloc byte[NotificationKey.Size];
        try
        {
            peerAgreementKey.CopyTo(peer);
            if (!NotificationKey.TryDeriveReceiving(keys, peer, derived))
            {
                return false;
            }

            lock (_lock)
            {
                if (_disposed)
                {
                    return false;
                }

                if (generation != _generationStart)
                {
                    // Derived with a key set replaced meanwhile: the peer is learned again, with the new one, at its next resolution.
                    return true;
                }

                var slot = (int)(_published % Capacity);
                var entry = _ring.AsSpan(slot * EntrySize, EntrySize);
                if (_published >= Capacity && _lastPublished.TryGetValue(_ringKeys[slot], out var last) && last == _published - Capacity)
                {
                    _lastPublished.Remove(_ringKeys[slot]);
                }

                peer.CopyTo(entry);
                derived.CopyTo(entry[Bytes32.Size..]);
                _ringKeys[slot] = peerAgreementKey;
                _lastPublished[peerAgreementKey] = _published;
                Volatile.Write(ref _published, _published + 1);
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>
    /// Adds every key published since <paramref name="cursor"/> (those still in the ring) to <paramref name="cache"/>;
    /// returns the cursor to pass next time. Allocates nothing.
    /// </summary>
    internal long CopyTo(PeerKeyCache cache, long cursor)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return cursor;
            }

            for (var sequence = Math.Max(cursor, _published - Capacity); sequence < _published; sequence++)
            {
                var entry = _ring.AsSpan((int)(sequence % Capacity) * EntrySize, EntrySize);
                cache.Add(entry[..Bytes32.Size], entry[Bytes32.Size..]);
            }

            return _published;
        }
    }

    /// <summary>Wipes the derived keys.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_ring);
            _lastPublished.Clear();
        }
    }
}
