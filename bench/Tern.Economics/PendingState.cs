namespace Tern.Economics;

/// <summary>
/// b.example's pending table on disk after its closing checkpoint, store by store: each store's log files
/// (<c>hlog.log.*</c>, the records) apart from its checkpoints (the copy of its hash index, sized for the run by
/// <c>PendingTableOptions.ForReferences</c>), and the rest (counters, sender profiles, format, seed).
/// </summary>
internal sealed record PendingState(long References, long RefsLog, long CapabilitiesLog, long RecipientsLog, long Checkpoints, long Other)
{
    public long Logs => RefsLog + CapabilitiesLog + RecipientsLog;

    public long Total => Logs + Checkpoints + Other;

    public static PendingState Measure(string pendingDirectory, long references)
    {
        long Sum(string store, Func<string, bool> which) => Directory.Exists(Path.Combine(pendingDirectory, store))
            ? Directory.EnumerateFiles(Path.Combine(pendingDirectory, store), "*", SearchOption.AllDirectories).Where(which).Sum(f => new FileInfo(f).Length)
            : 0;
        static bool IsLog(string file) => Path.GetFileName(file).StartsWith("hlog.log", StringComparison.Ordinal);
        var stores = new[] { "refs", "capabilities", "recipients" };
        var checkpoints = stores.Sum(s => Sum(s, f => !IsLog(f)));
        var all = NodeSnapshot.DirectoryBytes(pendingDirectory);
        var (refs, capabilities, recipients) = (Sum("refs", IsLog), Sum("capabilities", IsLog), Sum("recipients", IsLog));
        return new PendingState(references, refs, capabilities, recipients, checkpoints, all - refs - capabilities - recipients - checkpoints);
    }

    /// <summary>Bytes a reference held, <paramref name="bytes"/> over <see cref="References"/> (NaN when none).</summary>
    public double PerReference(long bytes) => References <= 0 ? double.NaN : (double)bytes / References;
}
