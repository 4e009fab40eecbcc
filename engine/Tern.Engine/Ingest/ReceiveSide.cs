using Tern.Engine.Keys;

namespace Tern.Engine.Ingest;

/// <summary>
/// The receive keys of one of the domain's own agreement secrets (docs/PROTOCOL.md §4.3): verified, known from discovery
/// and on probation, each its own table (docs/ARCHITECTURE.md §3.6). Outside a key rotation an ingest has one; during one
/// (§16.4) two, the preferred and the other. Not thread-safe: owned by one ingest loop.
/// </summary>
internal sealed class ReceiveSide
{
    public ReceiveSide(DomainKeySet keys, int verifiedCapacity, int probationCapacity)
    {
        Keys = keys;
        Verified = new PeerKeyCache(verifiedCapacity);
        Probation = new PeerKeyCache(probationCapacity);
    }

    /// <summary>The own key set whose agreement secret these keys were derived with.</summary>
    public DomainKeySet Keys { get; }

    /// <summary>Keys a datagram opened under.</summary>
    public PeerKeyCache Verified { get; }

    /// <summary>Keys derived for a datagram that did not open: their next datagram costs no agreement.</summary>
    public PeerKeyCache Probation { get; }

    /// <summary>Keys of known peers derived in advance (<see cref="KnownPeerKeys"/>) for this key set, when it has them.</summary>
    public PeerKeyCache? Known { get; set; }

    /// <summary>True when this side derives with <paramref name="keys"/>' agreement secret.</summary>
    public bool IsFor(DomainKeySet keys) => Keys.AgreementPublicKey.SequenceEqual(keys.AgreementPublicKey);

    /// <summary>Finds a receive key of <paramref name="senderKey"/>: verified, then known, then on probation.</summary>
    public bool TryGet(ReadOnlySpan<byte> senderKey, out Span<byte> key, out bool onProbation)
    {
        onProbation = false;
        if (Verified.TryGet(senderKey, out key) || (Known is not null && Known.TryGet(senderKey, out key)))
        {
            return true;
        }

        onProbation = Probation.TryGet(senderKey, out key);
        return onProbation;
    }

    /// <summary>Wipes every derived key: the secret they came from is retired.</summary>
    public void Wipe()
    {
        Verified.Wipe();
        Probation.Wipe();
        Known?.Wipe();
    }
}
