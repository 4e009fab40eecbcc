using System.Buffers.Binary;
using System.Security.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

// The sender's receive key: cached, or derived within the cold-key budgets (docs/ARCHITECTURE.md §3.6). Anyone can
// write a well-shaped header with a random sender key, and only the AEAD tag tells a forgery apart, after the X25519
// that a new key costs. So a derived key enters the cache only once a datagram opened under it, a key that did not
// open waits on probation where it can push out nothing else, and a source whose new key failed gets no other for a while.
public sealed partial class NotificationIngest
{
    private readonly PeerKeyCache _verified;
    private readonly PeerKeyCache _probation;
    private readonly PeerKeyCache? _known;
    private readonly KnownPeerKeys? _knownPeers;
    private readonly ColdKeySources _coldKeySources;
    private readonly TokenBucketTable _coldKeys;
    private readonly TokenBucketTable _coldKeyRetries;
    private readonly byte[] _derived = new byte[NotificationKey.Size];
    private readonly byte[] _derivedState = GC.AllocateArray<byte>(XChaCha20Poly1305Key.StateSize, pinned: true);
    private long _knownCursor;
    private int _coldSourceEntry;

    /// <summary>Where the key a datagram is opened with came from.</summary>
    private enum KeyOrigin : byte
    {
        /// <summary>The verified cache or the known peers: nothing to settle.</summary>
        Cached,
        /// <summary>The probation area: promoted if the datagram opens.</summary>
        Probation,
        /// <summary>Derived now, in <see cref="_derived"/>: cached if the datagram opens, its source penalised if not.</summary>
        Derived,
    }

    /// <summary>Copies the keys the node's resolvers learned since the last batch (a volatile read when there are none).</summary>
    private void LearnKnownPeers()
    {
        if (_knownPeers is not null && _knownPeers.Published != _knownCursor)
        {
            _knownCursor = _knownPeers.CopyTo(_known!, _knownCursor);
        }
    }

    private DropReason ReceiveKey(ReadOnlySpan<byte> senderKey, int sourceHash, long nowMs, out Span<byte> key, out KeyOrigin origin)
    {
        origin = KeyOrigin.Cached;
        if (_verified.TryGet(senderKey, out key) || (_known is not null && _known.TryGet(senderKey, out key)))
        {
            return DropReason.None;
        }

        // Derived before and did not open then: no X25519 again, and no budget.
        if (_probation.TryGet(senderKey, out key))
        {
            origin = KeyOrigin.Probation;
            return DropReason.None;
        }

        // A new key costs one X25519: spend it only within its source's budget and then the global one, of which a
        // share is kept for a source sending again the key it was refused (random forged keys never come back).
        var keyPrefix = BinaryPrimitives.ReadUInt64LittleEndian(senderKey);
        _coldSourceEntry = _coldKeySources.TryAdmit(sourceHash, keyPrefix, nowMs, out var retry);
        if (_coldSourceEntry < 0)
        {
            Counters.ColdKeysRefusedBySource++;
            return DropReason.ColdKeyBudget;
        }

        if (!(retry ? _coldKeyRetries : _coldKeys).TryTake(0, nowMs))
        {
            _coldKeySources.RefusedGlobally(_coldSourceEntry, keyPrefix);
            Counters.ColdKeysRefusedGlobally++;
            return DropReason.ColdKeyBudget;
        }

        _coldKeySources.Spend(_coldSourceEntry);
        Counters.ColdKeysDerived++;
        if (!NotificationKey.TryDeriveReceiving(_keys, senderKey, _derived))
        {
            // A low-order key: it cost the agreement and opens nothing.
            _coldKeySources.Failed(_coldSourceEntry, nowMs);
            return DropReason.Undecryptable;
        }

        XChaCha20Poly1305Key.SetKey(_derivedState, _derived);
        key = _derivedState;
        origin = KeyOrigin.Derived;
        return DropReason.None;
    }

    /// <summary>After opening with a key off probation or just derived: cache it if the tag verified, else keep it apart.</summary>
    private void Settle(KeyOrigin origin, ReadOnlySpan<byte> senderKey, bool authentic, long nowMs)
    {
        if (origin == KeyOrigin.Probation)
        {
            if (authentic && _probation.TryTake(senderKey, _derived))
            {
                _verified.Add(senderKey, _derived);
                Counters.ColdKeysVerified++;
            }
        }
        else if (authentic)
        {
            _coldKeySources.Verified(_coldSourceEntry);
            _verified.Add(senderKey, _derived);
            Counters.ColdKeysVerified++;
        }
        else
        {
            _coldKeySources.Failed(_coldSourceEntry, nowMs);
            _probation.Add(senderKey, _derived);
        }

        CryptographicOperations.ZeroMemory(_derived);
        CryptographicOperations.ZeroMemory(_derivedState);
    }
}
