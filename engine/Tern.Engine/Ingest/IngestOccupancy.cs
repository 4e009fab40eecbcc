namespace Tern.Engine.Ingest;

/// <summary>
/// How full an ingest's fixed tables are (docs/ARCHITECTURE.md §3.6): the key caches a forged flood must not be able to
/// fill with what pushes out a peer, and the token buckets that shed it. Read racily from outside the ingest loop.
/// </summary>
/// <param name="VerifiedKeys">Sender keys whose datagrams opened, cached.</param>
/// <param name="VerifiedCapacity">Slots of that cache.</param>
/// <param name="KnownKeys">Keys of peers known from discovery, derived before their first datagram.</param>
/// <param name="KnownCapacity">Slots of that cache (0 without known peers).</param>
/// <param name="ProbationKeys">Derived keys whose datagram did not open, waiting on probation.</param>
/// <param name="ProbationCapacity">Slots of the probation area.</param>
/// <param name="SourceBucketsUsed">Per-source rate buckets a source has drawn from.</param>
/// <param name="SourceBucketsEmpty">Per-source rate buckets holding less than a token now (sources shed as <c>over_rate</c>).</param>
/// <param name="SourceBucketSlots">Slots of the per-source rate table.</param>
/// <param name="ColdKeyTokens">Tokens left in the global budget of new sender keys.</param>
public readonly record struct IngestOccupancy(
    int VerifiedKeys,
    int VerifiedCapacity,
    int KnownKeys,
    int KnownCapacity,
    int ProbationKeys,
    int ProbationCapacity,
    int SourceBucketsUsed,
    int SourceBucketsEmpty,
    int SourceBucketSlots,
    double ColdKeyTokens);
