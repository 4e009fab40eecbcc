namespace Tern.Engine.Transit;

/// <summary>
/// Options of the <see cref="TransitStore"/> (docs/ARCHITECTURE.md §3.2–§3.4). Validated by
/// <see cref="TransitStore.OpenAsync"/>, which refuses bad values with an error naming the option.
/// </summary>
public sealed class TransitStoreOptions
{
    /// <summary>The protocol's maximum transit expiry (docs/PROTOCOL.md §12): 30 days.</summary>
    public static readonly TimeSpan ProtocolMaxTransit = TimeSpan.FromDays(30);

    /// <summary>
    /// Sizes for a store of a few small blobs at a time (a demo, a test, a harness): 4 KiB chunks, 16 KiB pages and a
    /// 2 MiB journal buffer instead of the defaults' 256 KiB chunks and 32 MiB buffer per expiry bucket.
    /// </summary>
    public static TransitStoreOptions Small(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        ChunkSize = 4096,
        BlobPageSizeBits = 14,
        BlobMemorySizeBits = 16,
        BlobSegmentSizeBits = 16,
        JournalPageSizeBits = 19,
        JournalMemorySizeBits = 21,
        JournalSegmentSizeBits = 20,
    };

    /// <summary>Directory of the store; <c>transit/</c> is created under it. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Longest transit expiry accepted, at most <see cref="ProtocolMaxTransit"/>. Defaults to 30 days.</summary>
    public TimeSpan MaxTransit { get; set; } = ProtocolMaxTransit;

    /// <summary>Width of an expiry bucket: blobs whose expiries fall in one window share one log (§3.3). Defaults to 1 day.</summary>
    public TimeSpan ExpiryBucketWidth { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Bytes per blob chunk entry; must fit in a blob log page. Defaults to 256 KiB.</summary>
    public int ChunkSize { get; set; } = 256 * 1024;

    /// <summary>Page size of each blob log, as a power of two: the unit of a device write. Defaults to 22 (4 MiB).</summary>
    public int BlobPageSizeBits { get; set; } = 22;

    /// <summary>
    /// In-memory buffer of each blob log, as a power of two; at least two pages. Each open bucket holds up to this much
    /// once it has been written to, so memory grows with the number of buckets (at most MaxTransit / ExpiryBucketWidth
    /// + 1). Large blobs stream faster with more pages in flight. Defaults to 25 (32 MiB).
    /// </summary>
    public int BlobMemorySizeBits { get; set; } = 25;

    /// <summary>Segment (file) size of each blob log, as a power of two; space is freed a segment at a time. Defaults to 26 (64 MiB).</summary>
    public int BlobSegmentSizeBits { get; set; } = 26;

    /// <summary>Page size of the journal, as a power of two, at least 19. Defaults to 20 (1 MiB).</summary>
    public int JournalPageSizeBits { get; set; } = 20;

    /// <summary>In-memory buffer of the journal, as a power of two; at least two pages. Defaults to 22 (4 MiB).</summary>
    public int JournalMemorySizeBits { get; set; } = 22;

    /// <summary>Segment (file) size of the journal, as a power of two. Defaults to 26 (64 MiB).</summary>
    public int JournalSegmentSizeBits { get; set; } = 26;

    /// <summary>
    /// How new blob logs write their pages (docs/ARCHITECTURE.md §3.1): data-synchronously with FASTER's fast commit,
    /// one wait on the disk a commit; straight to the disk (<c>O_DIRECT</c>) or through the page cache, either way with
    /// one <c>fsync</c> per written segment and a slot write at each commit; or FASTER's device. An existing log keeps
    /// the format it was created with (<see cref="TransitLogFormat"/>). Defaults to <see cref="TransitLogWrites.DataSync"/>
    /// (large aligned writes still go direct, with no copy into the kernel; perf-reports/e2e-notes.md).
    /// </summary>
    public TransitLogWrites BlobLogWrites { get; set; } = TransitLogWrites.DataSync;

    /// <summary>
    /// With <see cref="TransitLogWrites.PageCache"/> blob logs (and any write a direct log makes through the page cache), start the disk writing each page back as soon as it is
    /// written (<c>sync_file_range</c>) rather than leaving it all to the commit's <c>fsync</c>: a large blob's bytes
    /// then go to disk while it streams in. Defaults to true.
    /// </summary>
    public bool BlobLogWriteback { get; set; } = true;

    /// <summary>How a new journal writes its pages; see <see cref="BlobLogWrites"/>. Defaults to <see cref="TransitLogWrites.DataSync"/>.</summary>
    public TransitLogWrites JournalLogWrites { get; set; } = TransitLogWrites.DataSync;

    /// <summary>
    /// Largest blob whose bytes ride inside its submission's journal record (docs/ARCHITECTURE.md §3.2, "Small blobs ride
    /// the journal"): its submit waits for the journal's write alone, not for its bucket log's too, and its bytes are
    /// held in memory until they are settled in the bucket (by the next checkpoint, or sooner past
    /// <see cref="JournalInlineHeldBytes"/>). Only a blob whose size is known at submit (declared or a seekable stream)
    /// rides. 0 writes every blob to its bucket at submit. At most <see cref="ChunkSize"/> and 64 KiB (a journal page
    /// holds the record with the most recipients besides). Defaults to 4 KiB.
    /// </summary>
    public int JournalInlineMaxBytes { get; set; } = 4096;

    /// <summary>
    /// Bytes of blobs submitted inline (<see cref="JournalInlineMaxBytes"/>) the store holds in memory before it settles
    /// them in their bucket logs in the background, off the submit path, without waiting for the checkpoint. Defaults
    /// to 8 MiB.
    /// </summary>
    public long JournalInlineHeldBytes { get; set; } = 8L << 20;

    /// <summary>
    /// For logs written <see cref="TransitLogWrites.DataSync"/> (fast commit: the commit record is in the log), the least
    /// time between two writes of a log's commit slot that are not forced by a truncation. Recovery scans the log
    /// forward from the last slot written for commit records, so this bounds what it reads; a shorter interval writes
    /// the slot more often, one more wait on the disk for the commit that does it. Defaults to 1 second.
    /// </summary>
    public TimeSpan FastCommitMetadataInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Interval of the background maintenance (expiry sweep, index checkpoint, journal truncation).
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off (the owner then calls <see cref="TransitStore.SweepAsync"/>
    /// and <see cref="TransitStore.CheckpointAsync"/>). Defaults to 1 minute.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Interval of the expiry sweep when it should run more often than the checkpoint: expired blobs leave the index,
    /// their one expiry record is made (<see cref="TransitStore.BlobExpired"/>) and their bytes stop counting as live,
    /// which is what a gateway's high-water mark reads. <see cref="Timeout.InfiniteTimeSpan"/> sweeps with each
    /// checkpoint. Never less often than <see cref="CheckpointInterval"/>. Defaults to infinite (with the checkpoint).
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Longest a delivery's fetched mark waits in the journal for another commit to ride (docs/ARCHITECTURE.md §3.2,
    /// "Marks that ride"): the mark costs no commit of its own when a submission or another change commits meanwhile, and
    /// is committed alone once this passes. Its loss in a crash only leaves the delivery outstanding, notified again on
    /// its schedule. <see cref="TimeSpan.Zero"/> commits each mark at once. Defaults to 200 ms (the first retransmission
    /// comes 1 to 2 s after the first notification, docs/PROTOCOL.md §4.6).
    /// </summary>
    public TimeSpan MarkCommitDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a blob keeps its bytes, and serves its capabilities, after its last outstanding delivery was fetched
    /// (docs/PROTOCOL.md §9, docs/ARCHITECTURE.md §3.3): a recipient that crashed after the last byte left this node and
    /// before it stored the blob resumes its pull within it. Never past the blob's transit expiry; counted from its last
    /// fetch, and kept across a restart. The bytes are no longer charged to the account meanwhile.
    /// <see cref="TimeSpan.Zero"/> frees them at the next sweep, as soon as the last delivery is fetched. Defaults to 10 minutes.
    /// </summary>
    public TimeSpan FetchedGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Live bytes one account may hold in transit; 0 means no limit. Defaults to 0.</summary>
    public long AccountLiveBytesLimit { get; set; }

    /// <summary>Longest transit expiry an account may ask for, at most <see cref="MaxTransit"/>. Defaults to <see cref="ProtocolMaxTransit"/>.</summary>
    public TimeSpan AccountMaxExpiry { get; set; } = ProtocolMaxTransit;

    /// <summary>Live bytes of outstanding deliveries to one destination domain; 0 means no limit. Defaults to 0.</summary>
    public long DomainLiveBytesLimit { get; set; }

    /// <summary>
    /// Live bytes the whole store may hold in transit (blobs not yet fetched, expired or retracted, and submissions being
    /// written); beyond it submissions are refused with a <see cref="TransitQuotaException"/> naming this limit, so a
    /// disk that would fill refuses new work instead of failing writes. Set it below the volume's free space less the
    /// dead space reclaim has not yet freed (whole segments, at the next commit). 0 means no limit. Defaults to 0.
    /// </summary>
    public long MaxBytes { get; set; }

    /// <summary>
    /// The free space (bytes available on the data directory's file system) below which submissions are refused with a
    /// <see cref="TransitQuotaException"/> naming this limit: the high-water mark that keeps a filling disk from failing
    /// writes (what is acknowledged is never touched; the pending table and the message store, which may share the
    /// volume, keep the room below it). A submission of declared size is refused when it would take the free space below
    /// the mark; one of undeclared size when the free space is already below it. 0 means no mark. Defaults to 0.
    /// </summary>
    public long MinFreeBytes { get; set; }

    /// <summary>Where <see cref="MinFreeBytes"/> reads the free space. Defaults to the file system's own answer (<c>statvfs</c>).</summary>
    public Tern.Engine.Storage.IDiskSpace DiskSpace { get; set; } = Tern.Engine.Storage.SystemDiskSpace.Instance;

    // A journal page (512 KiB at least) holds a record of TransitStore.MaxRecipients deliveries (~320 KiB) and this.
    private const int MaxJournalInlineBytes = 64 * 1024;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("TransitStoreOptions.DataDirectory is required.");
        }

        Require(MaxTransit > TimeSpan.Zero && MaxTransit <= ProtocolMaxTransit, nameof(MaxTransit), MaxTransit, $"between 0 and {ProtocolMaxTransit} (docs/PROTOCOL.md §12)");
        Require(AccountMaxExpiry > TimeSpan.Zero && AccountMaxExpiry <= MaxTransit, nameof(AccountMaxExpiry), AccountMaxExpiry, $"between 0 and MaxTransit ({MaxTransit})");
        Require(ExpiryBucketWidth >= TimeSpan.FromSeconds(1) && ExpiryBucketWidth <= MaxTransit, nameof(ExpiryBucketWidth), ExpiryBucketWidth, $"between 1 s and MaxTransit ({MaxTransit})");
        Require(BlobPageSizeBits is >= 12 and <= 28, nameof(BlobPageSizeBits), BlobPageSizeBits, "between 12 and 28");
        Require(BlobMemorySizeBits > BlobPageSizeBits && BlobMemorySizeBits <= 34, nameof(BlobMemorySizeBits), BlobMemorySizeBits, $"greater than BlobPageSizeBits ({BlobPageSizeBits}) and at most 34");
        Require(BlobSegmentSizeBits >= BlobPageSizeBits && BlobSegmentSizeBits <= 36, nameof(BlobSegmentSizeBits), BlobSegmentSizeBits, $"at least BlobPageSizeBits ({BlobPageSizeBits}) and at most 36");
        // A journal page must hold the largest submission record (MaxRecipients deliveries with the longest domains).
        Require(JournalPageSizeBits is >= 19 and <= 28, nameof(JournalPageSizeBits), JournalPageSizeBits, "between 19 (512 KiB, room for a submission of TransitStore.MaxRecipients) and 28");
        Require(JournalMemorySizeBits > JournalPageSizeBits && JournalMemorySizeBits <= 34, nameof(JournalMemorySizeBits), JournalMemorySizeBits, $"greater than JournalPageSizeBits ({JournalPageSizeBits}) and at most 34");
        Require(JournalSegmentSizeBits >= JournalPageSizeBits && JournalSegmentSizeBits <= 36, nameof(JournalSegmentSizeBits), JournalSegmentSizeBits, $"at least JournalPageSizeBits ({JournalPageSizeBits}) and at most 36");

        // A chunk is one log entry and an entry never spans pages; keep room for the entry header. The chunk map of a
        // blob is written as entries of ChunkSize bytes, so it must hold at least two addresses.
        var maxChunk = (1 << BlobPageSizeBits) - 64;
        Require(ChunkSize >= 64 && ChunkSize <= maxChunk, nameof(ChunkSize), ChunkSize, $"between 64 and the blob page size minus 64 ({maxChunk})");
        var maxInline = Math.Min(ChunkSize, MaxJournalInlineBytes);
        Require(JournalInlineMaxBytes >= 0 && JournalInlineMaxBytes <= maxInline, nameof(JournalInlineMaxBytes), JournalInlineMaxBytes, $"from 0 (off) to {maxInline} (ChunkSize and 64 KiB)");
        Require(JournalInlineHeldBytes >= 0, nameof(JournalInlineHeldBytes), JournalInlineHeldBytes, "0 (settle at once) or positive");
        Require(CheckpointInterval == Timeout.InfiniteTimeSpan || CheckpointInterval >= TimeSpan.FromMilliseconds(10), nameof(CheckpointInterval), CheckpointInterval, "at least 10 ms, or Timeout.InfiniteTimeSpan");
        Require(SweepInterval == Timeout.InfiniteTimeSpan || SweepInterval >= TimeSpan.FromMilliseconds(10), nameof(SweepInterval), SweepInterval, "at least 10 ms, or Timeout.InfiniteTimeSpan");
        Require(MarkCommitDelay >= TimeSpan.Zero && MarkCommitDelay <= TimeSpan.FromSeconds(10), nameof(MarkCommitDelay), MarkCommitDelay, "from 0 to 10 s");
        Require(FetchedGrace >= TimeSpan.Zero && FetchedGrace <= MaxTransit, nameof(FetchedGrace), FetchedGrace, $"from 0 to MaxTransit ({MaxTransit})");
        Require(Enum.IsDefined(BlobLogWrites), nameof(BlobLogWrites), BlobLogWrites, "PageCache, Direct, WriteThrough or DataSync");
        Require(Enum.IsDefined(JournalLogWrites), nameof(JournalLogWrites), JournalLogWrites, "PageCache, Direct, WriteThrough or DataSync");
        Require(FastCommitMetadataInterval >= TimeSpan.Zero && FastCommitMetadataInterval <= TimeSpan.FromMinutes(10), nameof(FastCommitMetadataInterval), FastCommitMetadataInterval, "from 0 (every commit) to 10 minutes");
        Require(AccountLiveBytesLimit >= 0, nameof(AccountLiveBytesLimit), AccountLiveBytesLimit, "0 (no limit) or positive");
        Require(DomainLiveBytesLimit >= 0, nameof(DomainLiveBytesLimit), DomainLiveBytesLimit, "0 (no limit) or positive");
        Require(MaxBytes >= 0, nameof(MaxBytes), MaxBytes, "0 (no limit) or positive");
        Require(MinFreeBytes >= 0, nameof(MinFreeBytes), MinFreeBytes, "0 (no mark) or positive");
        Require(DiskSpace is not null, nameof(DiskSpace), "null", "a disk-space probe");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"TransitStoreOptions.{name} is {value}; it must be {expected}.");
        }
    }
}
