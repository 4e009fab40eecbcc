using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>
/// What one ingest loop saw: datagrams and records accepted, and drops by <see cref="DropReason"/>.
/// Written by its loop only; read (racily, for metrics) by anyone.
/// </summary>
public sealed class IngestCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Datagrams that opened.</summary>
    public long DatagramsAccepted { get; internal set; }

    /// <summary>Notification records recorded.</summary>
    public long RecordsAccepted { get; internal set; }

    /// <summary>Retraction records that removed a pending reference (docs/PROTOCOL.md §11).</summary>
    public long RetractionsApplied { get; internal set; }

    /// <summary>
    /// Well-formed retraction records that removed nothing: unknown or already removed capability, another recipient
    /// hash or sender key, or <c>after_fetch</c> (docs/PROTOCOL.md §11). Not drops.
    /// </summary>
    public long RetractionsUnmatched { get; internal set; }

    /// <summary>Key agreements performed for new sender keys.</summary>
    public long ColdKeysDerived { get; internal set; }

    /// <summary>
    /// Of <see cref="ColdKeysDerived"/>, agreements under the other own secret during a key rotation (docs/PROTOCOL.md §16.4):
    /// for a sender key whose receive key under one secret did not open its datagram, drawn from the retry share.
    /// </summary>
    public long RotationKeysDerived { get; internal set; }

    /// <summary>
    /// Datagrams whose tag verified under the other own secret of a key rotation (docs/PROTOCOL.md §16.4): sealed to the key
    /// senders are no longer told to use (the previous one from <c>rotates_at</c>), or not yet. The rest of the datagrams that
    /// opened did so under the preferred secret. A peer that keeps coming here has not picked up the rotated descriptor.
    /// </summary>
    public long DatagramsOpenedUnderOther { get; internal set; }

    /// <summary>New sender keys that opened a datagram and entered the verified cache (derived, or taken off probation).</summary>
    public long ColdKeysVerified { get; internal set; }

    /// <summary><c>cold_key_budget</c> drops because the source was blocked after a failure or had spent its own budget.</summary>
    public long ColdKeysRefusedBySource { get; internal set; }

    /// <summary><c>cold_key_budget</c> drops because the global budget (or its retry share) was spent.</summary>
    public long ColdKeysRefusedGlobally { get; internal set; }

    /// <summary>Opened datagrams whose records the sink threw on (the rest of that datagram's records were not delivered).</summary>
    public long DeliveryFailures { get; internal set; }

    /// <summary>Drops for <paramref name="reason"/> (datagrams for datagram-level reasons, records for record-level ones).</summary>
    public long Drops(DropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>Total of all drops.</summary>
    public long TotalDrops
    {
        get
        {
            long sum = 0;
            for (var i = 1; i < _drops.Length; i++)
            {
                sum += Volatile.Read(ref _drops[i]);
            }

            return sum;
        }
    }

    internal void Drop(DropReason reason) => _drops[(int)reason]++;
}
