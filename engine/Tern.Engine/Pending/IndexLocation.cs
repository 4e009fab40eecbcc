using System.Reflection;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>
/// Where a FasterKV keeps its main hash index: an aligned array of 64-byte buckets, a key's bucket being
/// <c>hash &amp; (buckets - 1)</c>. FASTER exposes no handle on it, so it is read by reflection on the pinned
/// 2.6.5 layout (<c>FasterBase.state[resizeInfo.version]</c>); a mismatch finds nothing and callers do without.
/// </summary>
internal static unsafe class IndexLocation
{
    public const int BucketSize = 64;

    /// <summary>The current index of <paramref name="store"/>; false when the layout is not the expected one.</summary>
    public static bool TryFind<TKey, TValue>(FasterKV<TKey, TValue> store, out byte* table, out long buckets)
    {
        table = null;
        buckets = 0;
        var state = typeof(FasterBase).GetField("state", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(store) as Array;
        var resize = typeof(FasterBase).GetField("resizeInfo", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(store);
        var version = resize?.GetType().GetField("version")?.GetValue(resize) as int?;
        if (state is null || version is not (0 or 1) || state.GetValue(version.Value) is not { } current)
        {
            return false;
        }

        var type = current.GetType();
        if (type.GetField("tableAligned")?.GetValue(current) is not Pointer aligned || type.GetField("size")?.GetValue(current) is not long size
            || size <= 0 || (size & (size - 1)) != 0)
        {
            return false;
        }

        table = (byte*)Pointer.Unbox(aligned);
        buckets = size;
        return table != null;
    }
}
