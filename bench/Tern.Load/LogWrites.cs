using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>
/// A log write mode named on the command line: <c>pagecache</c> (the store's default, writeback started per page),
/// <c>pagecache-nowriteback</c> or <c>writethrough</c> (FASTER's device).
/// </summary>
internal readonly record struct LogWrites(TransitLogWrites Writes, bool Writeback)
{
    /// <summary>The store's defaults when <paramref name="name"/> is null.</summary>
    public static LogWrites Parse(string? name) => name switch
    {
        null or "pagecache" => new(TransitLogWrites.PageCache, true),
        "pagecache-nowriteback" => new(TransitLogWrites.PageCache, false),
        "writethrough" => new(TransitLogWrites.WriteThrough, false),
        _ => throw new ArgumentException($"unknown log writes '{name}': pagecache, pagecache-nowriteback or writethrough"),
    };
}
