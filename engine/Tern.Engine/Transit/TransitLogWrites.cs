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
}
