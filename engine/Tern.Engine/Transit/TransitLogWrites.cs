namespace Tern.Engine.Transit;

/// <summary>How a transit log writes its pages to disk (docs/ARCHITECTURE.md §3.1).</summary>
public enum TransitLogWrites
{
    /// <summary>
    /// Through the page cache, as <c>dd</c> writes: a page write is a copy into the kernel, and each commit makes the
    /// log's new bytes durable with one <c>fsync</c> per segment written since the previous commit, before it writes
    /// its commit record.
    /// </summary>
    PageCache,

    /// <summary>
    /// Straight from FASTER's page to the disk (<c>O_DIRECT</c>), with no copy into the page cache, and durable at each
    /// commit as <see cref="PageCache"/> is. Where the file system or platform refuses direct writes, the log writes
    /// through the page cache instead. Reads go through the page cache either way.
    /// </summary>
    Direct,

    /// <summary>
    /// FASTER's own device (<c>ManagedLocalStorageDevice</c>): every page written synchronously durable as it fills, on
    /// the thread pool. It asks for unbuffered write-through files; .NET on Linux opens them <c>O_SYNC</c> and has no
    /// <c>O_DIRECT</c>, so each write goes through the page cache and waits for its writeback. Kept to measure the
    /// page-cache device against (bench/run-transit.sh).
    /// </summary>
    WriteThrough,

    /// <summary>
    /// Every write data-synchronous (<c>O_DSYNC</c>; large aligned ones <c>O_DIRECT|O_DSYNC</c>) and FasterLog's fast
    /// commit: the commit record is an entry of the log (entries then carry a checksum), durable when the write of its
    /// page completes, so a commit is one wait on the disk instead of a write, an <c>fsync</c> and a slot write. The
    /// commit slot is written only when a truncation forces it or once per
    /// <see cref="TransitStoreOptions.FastCommitMetadataInterval"/>; recovery scans forward from it for the last
    /// commit record whose entries all check. A log keeps the format it was created with
    /// (<see cref="TransitLogFormat"/>): only new logs are written this way.
    /// </summary>
    DataSync,
}
