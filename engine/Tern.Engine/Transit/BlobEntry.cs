using Tern.Engine.Protocol;

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

    /// <summary>Address of the first chunk in the bucket log (0 for an empty blob).</summary>
    public required long FirstChunk { get; init; }

    /// <summary>Address of the chunk map (the first chunk itself when the blob has one chunk).</summary>
    public required long ChunkMap { get; init; }

    /// <summary>Chunk size the blob was written with (options may change between runs).</summary>
    public required int ChunkSize { get; init; }

    public DeliveryEntry[] Deliveries { get; set; } = [];

    public int PendingCount { get; set; }

    /// <summary>The bucket log holding the bytes; attached when indexed.</summary>
    public BucketLog? Bucket { get; set; }

    /// <summary>Chunk addresses of a multi-chunk blob, loaded on first read (benign race: loaders write equal arrays).</summary>
    public long[]? ChunkAddresses { get; set; }

    public long ChunkCount => Size == 0 ? 0 : ((Size - 1) / ChunkSize) + 1;

    /// <summary>Last address the blob wrote: committed in its bucket iff the whole blob is.</summary>
    public long LastAddress => ChunkMap;
}
