using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>
/// A log write mode named on the command line: <c>direct</c> (the blob logs' default), <c>pagecache</c> (writeback
/// started per page), <c>pagecache-nowriteback</c>, <c>writethrough</c> (FASTER's device) or <c>datasync</c> (fast commit).
/// </summary>
internal readonly record struct LogWrites(TransitLogWrites Writes, bool Writeback)
{
    /// <summary>With <paramref name="name"/> null, <c>direct</c>: the blob logs' default before <c>datasync</c> (kept so earlier runs compare).</summary>
    public static LogWrites Parse(string? name) => name switch
    {
        null or "direct" => new(TransitLogWrites.Direct, true),
        "pagecache" => new(TransitLogWrites.PageCache, true),
        "pagecache-nowriteback" => new(TransitLogWrites.PageCache, false),
        "writethrough" => new(TransitLogWrites.WriteThrough, false),
        "datasync" => new(TransitLogWrites.DataSync, false),
        _ => throw new ArgumentException($"unknown log writes '{name}': direct, pagecache, pagecache-nowriteback, writethrough or datasync"),
    };
}
