namespace Tern.Engine.Transit;

/// <summary>The expiry window of one blob log: blobs expiring in [<see cref="StartMs"/>, <see cref="EndMs"/>) share it (§3.3).</summary>
internal readonly record struct BucketWindow(long StartMs, long EndMs)
{
    public static BucketWindow For(long expiryMs, long widthMs)
    {
        var start = expiryMs - (((expiryMs % widthMs) + widthMs) % widthMs);
        return new BucketWindow(start, start + widthMs);
    }

    /// <summary>Directory name; carries the window so that a change of bucket width keeps old buckets readable.</summary>
    public string DirectoryName => $"{StartMs}-{EndMs}";

    public static bool TryParse(string name, out BucketWindow window)
    {
        // Past the first character, so that a negative start's own sign is not taken for the separator.
        var dash = name.Length > 1 ? name.IndexOf('-', 1) : -1;
        if (dash > 0 && long.TryParse(name.AsSpan(0, dash), out var start) && long.TryParse(name.AsSpan(dash + 1), out var end) && end > start)
        {
            window = new BucketWindow(start, end);
            return true;
        }

        window = default;
        return false;
    }
}
