using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Transit;

/// <summary>Index record of one blob: its submission record plus where its bytes are. Guarded by the index lock.</summary>
internal sealed class BlobEntry
{
    public required MessageId Id { get; init; }

    public required string Account { get; init; }

    public string? MimeHint { get; init; }

    public required long SubmittedMs { get; init; }

    public required long ExpiryMs { get; init; }

    public required long Size { get; init; }

    public required Bytes32 PayloadHash { get; init; }

    public required BucketWindow Window { get; init; }

    /// <summary>
    /// Address of the first chunk in the bucket log (0 for an empty blob); -1 while the blob's bytes are only in its
    /// journal record (<see cref="Inline"/>), and for good once such a blob died before they were settled.
    /// </summary>
    public required long FirstChunk { get; set; }

    /// <summary>Address of the chunk map (the first chunk itself when the blob has one chunk); -1 with <see cref="FirstChunk"/>.</summary>
    public required long ChunkMap { get; set; }

    /// <summary>Chunk size the blob was written with (options may change between runs).</summary>
    public required int ChunkSize { get; init; }

    /// <summary>
    /// Address of the blob's payload-tree leaves in the bucket log (docs/PROTOCOL.md §4.8), written with its chunks when it
    /// has more than one leaf; -1 when it has one (its leaf is hashed from its bytes when asked).
    /// </summary>
    public long Leaves { get; init; } = -1;

    /// <summary>
    /// The bytes of a small blob submitted inside its journal record and not yet settled in its bucket log
    /// (docs/ARCHITECTURE.md §3.2, "Small blobs ride the journal"); null once settled, or dropped when the blob died first.
    /// Never changed once set: a reader that took the array under the index lock reads it after that lock is released.
    /// </summary>
    public byte[]? Inline { get; set; }

    /// <summary>A blob from a store written before the payload tree: its payload hash is BLAKE2b-256 and it has no proofs.</summary>
    public bool LegacyHash { get; init; }

    /// <summary>When a delivery of the blob was last fetched, ms since the epoch; 0 for never (checkpointed, §3.3).</summary>
    public long LastFetchedMs { get; set; }

    /// <summary>Until when a blob with no outstanding delivery keeps its bytes pinned (its fetched grace); 0 for none.</summary>
    public long GraceUntilMs { get; set; }

    public DeliveryEntry[] Deliveries { get; set; } = [];

    public int OutstandingCount { get; set; }

    /// <summary>The bucket log holding the bytes; attached when indexed.</summary>
    public BucketLog? Bucket { get; set; }

    /// <summary>Chunk addresses of a multi-chunk blob, loaded on first read (benign race: loaders write equal arrays).</summary>
    public long[]? ChunkAddresses { get; set; }

    /// <summary>The payload tree's nodes, built on the first proof asked for (benign race: builders make equal trees).</summary>
    public PayloadTreeNodes? Tree { get; set; }

    public long ChunkCount => Size == 0 ? 0 : ((Size - 1) / ChunkSize) + 1;

    /// <summary>Last address the blob wrote: committed in its bucket iff the whole blob is.</summary>
    public long LastAddress => Math.Max(ChunkMap, Leaves);
}
