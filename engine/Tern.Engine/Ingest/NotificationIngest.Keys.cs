using System.Buffers.Binary;
using System.Security.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

// The sender's receive key: cached, or derived within the cold-key budgets (docs/ARCHITECTURE.md §3.6). Anyone can
// write a well-shaped header with a random sender key, and only the AEAD tag tells a forgery apart, after the X25519
// that a new key costs. So a derived key enters the cache only once a datagram opened under it, a key that did not
// open waits on probation where it can push out nothing else, and a source whose new key failed gets no other for a while.
// During a key rotation (docs/PROTOCOL.md §16.4) the domain has two agreement secrets, each with its own tables: a new
// sender key is derived under the preferred secret only, and under the other only once its key under one did not open.
public sealed partial class NotificationIngest
{
    private readonly DomainKeyRotation? _rotation;
    private readonly KnownPeerKeys? _knownPeers;
    private readonly int _verifiedCapacity;
    private readonly int _probationCapacity;
    private readonly ColdKeySources _coldKeySources;
    private readonly TokenBucketTable _coldKeys;
    private readonly TokenBucketTable _coldKeyRetries;
    private readonly byte[] _derived = new byte[NotificationKey.Size];
    private readonly byte[] _derivedState = GC.AllocateArray<byte>(XChaCha20Poly1305Key.StateSize, pinned: true);
    private ReceiveSide _primary;
    private ReceiveSide? _secondary;
    private ReceiveSide? _knownSide;
    private long _rotationVersion = -1;
    private long _knownGeneration = -1;
    private long _knownCursor;
    private int _coldSourceEntry;

    /// <summary>Between batches: follows the key rotation and copies the keys the node's resolvers learned since the last batch.</summary>
    private void BetweenBatches()
    {
        if (_rotation is not null && _rotation.Snapshot is var snapshot && snapshot.Version != _rotationVersion)
        {
            ApplyRotation(snapshot);
        }

        if (_knownPeers is null)
        {
            return;
        }

        if (_knownPeers.GenerationStart != _knownGeneration)
        {
            // The known peers are derived for a new key set (§16.4): their keys go to that key set's side; the previous
            // side keeps what it had, for peers still sealing to it.
            _knownGeneration = _knownPeers.GenerationStart;
            var keys = _knownPeers.Keys;
            _knownSide = _primary.IsFor(keys) ? _primary : _secondary is { } other && other.IsFor(keys) ? other : null;
            if (_knownSide is not null)
            {
                _knownSide.Known = new PeerKeyCache(_knownPeers.Capacity);
            }

            _knownCursor = _knownGeneration;
        }

        if (_knownSide is not null && _knownPeers.Published != _knownCursor)
        {
            _knownCursor = _knownPeers.CopyTo(_knownSide.Known!, _knownCursor);
        }
    }

    /// <summary>Takes the rotation's key sets: a side kept for a key set still held, a new one for a new key set, a retired one wiped.</summary>
    private void ApplyRotation(KeyRotationSnapshot snapshot)
    {
        _rotationVersion = snapshot.Version;
        var preferred = SideFor(snapshot.Current);
        var other = snapshot.Other is { } otherKeys ? SideFor(otherKeys) : null;
        foreach (var side in (ReadOnlySpan<ReceiveSide?>)[_primary, _secondary])
        {
            if (side is not null && side != preferred && side != other)
            {
                side.Wipe();
                if (side == _knownSide)
                {
                    _knownSide = null;
                    _knownGeneration = -1; // attach the known peers again once they are derived for a key set held
                }
            }
        }

        _primary = preferred;
        _secondary = other;
    }

    private ReceiveSide SideFor(DomainKeySet keys)
        => _primary.IsFor(keys) ? _primary
            : _secondary is { } other && other.IsFor(keys) ? other
            : new ReceiveSide(keys, _verifiedCapacity, _probationCapacity);

    /// <summary>
    /// Opens the sealed body of <paramref name="header"/>'s datagram into <paramref name="plaintext"/> (§4.3, §16.4): with a key
    /// held under the preferred secret, else under the other; a sender key held under neither is derived under the preferred
    /// secret within the cold-key budgets; one held under only one secret, that did not open, is derived under the other.
    /// </summary>
    private DropReason Open(in DatagramHeader header, int sourceHash, long nowMs, Span<byte> plaintext, out DatagramBody body)
    {
        var senderKey = header.SenderKey;
        body = default;
        var primaryHad = _primary.TryGet(senderKey, out var key, out var onProbation);
        if (primaryHad)
        {
            var reason = DatagramBody.TryOpenWithKeyState(header, key, plaintext, out body);
            if (onProbation)
            {
                SettleProbation(_primary, senderKey, authentic: reason != DropReason.Undecryptable);
            }

            if (reason != DropReason.Undecryptable)
            {
                return reason;
            }
        }

        var secondaryHad = false;
        if (_secondary is { } other && other.TryGet(senderKey, out key, out onProbation))
        {
            secondaryHad = true;
            var reason = DatagramBody.TryOpenWithKeyState(header, key, plaintext, out body);
            if (onProbation)
            {
                SettleProbation(other, senderKey, authentic: reason != DropReason.Undecryptable);
            }

            if (reason != DropReason.Undecryptable)
            {
                Counters.DatagramsOpenedUnderOther++;
                return reason;
            }
        }

        if (!primaryHad && !secondaryHad)
        {
            return OpenCold(header, sourceHash, nowMs, plaintext, out body);
        }

        if (_secondary is not null && primaryHad != secondaryHad)
        {
            return OpenUnderOther(primaryHad ? _secondary : _primary, header, nowMs, plaintext, out body);
        }

        return DropReason.Undecryptable;
    }

    /// <summary>A sender key held under no secret: one X25519 under the preferred secret, within its source's budget and the global one.</summary>
    private DropReason OpenCold(in DatagramHeader header, int sourceHash, long nowMs, Span<byte> plaintext, out DatagramBody body)
    {
        body = default;
        var senderKey = header.SenderKey;

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
        try
        {
            if (!NotificationKey.TryDeriveReceiving(_primary.Keys, senderKey, _derived))
            {
                // A low-order key: it cost the agreement and opens nothing.
                _coldKeySources.Failed(_coldSourceEntry, nowMs);
                return DropReason.Undecryptable;
            }

            XChaCha20Poly1305Key.SetKey(_derivedState, _derived);
            var reason = DatagramBody.TryOpenWithKeyState(header, _derivedState, plaintext, out body);

            // The tag is what a forger cannot make: only a key it verified enters the cache (§4.4).
            if (reason != DropReason.Undecryptable)
            {
                _coldKeySources.Verified(_coldSourceEntry);
                _primary.Verified.Add(senderKey, _derived);
                Counters.ColdKeysVerified++;
            }
            else
            {
                _coldKeySources.Failed(_coldSourceEntry, nowMs);
                _primary.Probation.Add(senderKey, _derived);
            }

            return reason;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_derived);
            CryptographicOperations.ZeroMemory(_derivedState);
        }
    }

    /// <summary>
    /// §16.4: a sender key held under one secret whose key did not open: derived once under the other secret, from the retry
    /// share of the global budget (random forged keys, never sent twice, never reach it), and kept whatever the outcome.
    /// </summary>
    private DropReason OpenUnderOther(ReceiveSide side, in DatagramHeader header, long nowMs, Span<byte> plaintext, out DatagramBody body)
    {
        body = default;
        var senderKey = header.SenderKey;
        if (!_coldKeyRetries.TryTake(0, nowMs))
        {
            Counters.ColdKeysRefusedGlobally++;
            return DropReason.ColdKeyBudget;
        }

        Counters.ColdKeysDerived++;
        Counters.RotationKeysDerived++;
        try
        {
            if (!NotificationKey.TryDeriveReceiving(side.Keys, senderKey, _derived))
            {
                return DropReason.Undecryptable;
            }

            XChaCha20Poly1305Key.SetKey(_derivedState, _derived);
            var reason = DatagramBody.TryOpenWithKeyState(header, _derivedState, plaintext, out body);
            if (reason != DropReason.Undecryptable)
            {
                side.Verified.Add(senderKey, _derived);
                Counters.ColdKeysVerified++;
                if (side == _secondary)
                {
                    Counters.DatagramsOpenedUnderOther++;
                }
            }
            else
            {
                side.Probation.Add(senderKey, _derived);
            }

            return reason;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_derived);
            CryptographicOperations.ZeroMemory(_derivedState);
        }
    }

    /// <summary>After opening with a key on probation: it enters the verified table if the tag verified.</summary>
    private void SettleProbation(ReceiveSide side, ReadOnlySpan<byte> senderKey, bool authentic)
    {
        if (authentic && side.Probation.TryTake(senderKey, _derived))
        {
            side.Verified.Add(senderKey, _derived);
            Counters.ColdKeysVerified++;
        }

        CryptographicOperations.ZeroMemory(_derived);
    }
}
