using System.Reflection;
using System.Runtime.InteropServices;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>
/// Commits a FasterKV hash index's memory at open (<c>madvise(MADV_POPULATE_WRITE)</c>), on transparent huge pages where allowed. FASTER allocates the index
/// as one zeroed array the kernel backs lazily, so without this the first million or so inserts into a fresh table
/// each take two or three page faults (read maps the zero page, the write copies it): measured at 35k inserts/s for
/// the first 200k versus 220k/s once the pages are in (perf-reports/ingest.md). FASTER exposes no handle on the
/// index, so it is found by reflection on the pinned 2.6.5 layout; any mismatch leaves the index lazy and returns false.
/// </summary>
internal static unsafe partial class IndexPrefault
{
    private const int MadvHugePage = 14;
    private const int MadvPopulateWrite = 23;
    private const int BucketSize = 64;

    /// <summary>Populates the current index of <paramref name="store"/>; false when its layout is not the expected one or the kernel refused.</summary>
    public static bool TryPopulate<TKey, TValue>(FasterKV<TKey, TValue> store)
    {
        var state = typeof(FasterBase).GetField("state", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(store) as Array;
        var resize = typeof(FasterBase).GetField("resizeInfo", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(store);
        var version = resize?.GetType().GetField("version")?.GetValue(resize) as int?;
        if (state is null || version is not (0 or 1) || state.GetValue(version.Value) is not { } table)
        {
            return false;
        }

        var type = table.GetType();
        if (type.GetField("tableAligned")?.GetValue(table) is not Pointer aligned || type.GetField("size")?.GetValue(table) is not long buckets)
        {
            return false;
        }

        var start = (nuint)Pointer.Unbox(aligned);
        var end = start + ((nuint)buckets * BucketSize);
        var page = (nuint)Environment.SystemPageSize;
        var first = start & ~(page - 1);
        if (start == 0)
        {
            return false;
        }

        // Huge pages where the kernel offers them (THP "madvise" mode): every insert probes three indexes at random,
        // so with 4 KiB pages each probe is also a TLB miss. Refusal is harmless; the populate still applies.
        _ = madvise((void*)first, end - first, MadvHugePage);
        return madvise((void*)first, end - first, MadvPopulateWrite) == 0;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
