using System.Runtime.InteropServices;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>
/// Commits a FasterKV hash index's memory at open (<c>madvise(MADV_POPULATE_WRITE)</c>), on transparent huge pages where
/// allowed. FASTER allocates the index as one zeroed array the kernel backs lazily, so without this the first million or
/// so inserts into a fresh table each take two or three page faults (a read maps the zero page, the write copies it):
/// measured at 35k inserts/s for the first 200k versus 220k/s once the pages are in (perf-reports/ingest.md).
/// </summary>
internal static unsafe partial class IndexPrefault
{
    private const int MadvHugePage = 14;
    private const int MadvPopulateWrite = 23;

    /// <summary>Populates the current index of <paramref name="store"/>; false when it was not found or the kernel refused.</summary>
    public static bool TryPopulate<TKey, TValue>(FasterKV<TKey, TValue> store)
    {
        if (!IndexLocation.TryFind(store, out var table, out var buckets))
        {
            return false;
        }

        var start = (nuint)table;
        var end = start + ((nuint)buckets * IndexLocation.BucketSize);
        var first = start & ~((nuint)Environment.SystemPageSize - 1);

        // Huge pages where the kernel offers them (THP "madvise" mode): every insert probes three indexes at random,
        // so with 4 KiB pages each probe is also a TLB miss. Refusal is harmless; the populate still applies.
        _ = madvise((void*)first, end - first, MadvHugePage);
        return madvise((void*)first, end - first, MadvPopulateWrite) == 0;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
