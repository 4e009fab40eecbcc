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

    /// <summary>Retraction records applied.</summary>
    public long RetractionsApplied { get; internal set; }

    /// <summary>Key agreements performed for new sender keys.</summary>
    public long ColdKeysDerived { get; internal set; }

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
