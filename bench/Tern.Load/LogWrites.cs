using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>A log write mode named on the command line: <c>pagecache</c>, <c>pagecache+writeback</c> or <c>unbuffered</c>.</summary>
internal readonly record struct LogWrites(TransitLogWrites Writes, bool Writeback)
{
    /// <summary>The store's defaults when <paramref name="name"/> is null.</summary>
    public static LogWrites Parse(string? name) => name switch
    {
        null or "pagecache" => new(TransitLogWrites.PageCache, false),
        "pagecache+writeback" => new(TransitLogWrites.PageCache, true),
        "unbuffered" => new(TransitLogWrites.Unbuffered, false),
        _ => throw new ArgumentException($"unknown log writes '{name}': pagecache, pagecache+writeback or unbuffered"),
    };
}
