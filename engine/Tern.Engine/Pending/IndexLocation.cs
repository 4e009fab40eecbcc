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

    // FASTER 2.6.5's bucket layout (FASTER.core.Constants): a hash's tag is its top 14 bits; an entry keeps it at bits
    // 48–61 over a 48-bit address; slot 7 is the overflow bucket's address (its high bits are latches).
    public const int HashTagShift = 50;
    public const int EntryTagShift = 48;
    public const long TagMask = (1L << 14) - 1;
    public const long AddressMask = (1L << 48) - 1;
    public const int OverflowSlot = 7;

    /// <summary>The current index of <paramref name="store"/>; false when the layout is not the expected one.</summary>
    // The constants above checked against the FASTER assembly loaded: another version finds no index (no prefetch, no
    // absence answer) rather than misreading one.
    private static readonly Lazy<bool> LayoutMatches = new(() =>
    {
        var constants = typeof(FasterBase).Assembly.GetType("FASTER.core.Constants");
        bool Is(string name, long expected) => constants?.GetField(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetRawConstantValue() is { } value
            && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) == expected;
        return Is("kHashTagShift", HashTagShift) && Is("kTagShift", EntryTagShift) && Is("kTagMask", TagMask)
            && Is("kAddressMask", AddressMask) && Is("kOverflowBucketIndex", OverflowSlot) && Is("kEntriesPerBucket", BucketSize / 8);
    });

    /// <summary>Whether the loaded FASTER has the bucket layout this class reads.</summary>
    internal static bool LayoutIsKnown => LayoutMatches.Value;

    public static bool TryFind<TKey, TValue>(FasterKV<TKey, TValue> store, out byte* table, out long buckets)
    {
        table = null;
        buckets = 0;
        if (!LayoutMatches.Value)
        {
            return false;
        }

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
