using System.Numerics;

namespace Tern.Engine.Pending;

/// <summary>
/// Settings of the <see cref="PendingTable"/>. The defaults are sized for about 100M pending references in
/// at most 4 GB of RAM (docs/ARCHITECTURE.md §3.5): FASTER's hash indexes are the fixed cost (about 8 bytes
/// per key, two keys per reference), the in-memory logs are bounded and the rest spills to disk.
/// </summary>
public sealed class PendingTableOptions
{
    /// <summary>
    /// Sizes for a table of a few thousand references (a demo, a test, a small domain): indexes of tens of KiB and logs
    /// of about a MiB in memory instead of the 1.2 GB of indexes the defaults reserve for 100M references.
    /// </summary>
    public static PendingTableOptions Small(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        RefIndexBytes = 1L << 16,
        CapabilityIndexBytes = 1L << 16,
        RecipientIndexBytes = 1L << 14,
        PageBytes = 1L << 14,
        RefLogMemoryBytes = 1L << 20,
        CapabilityLogMemoryBytes = 1L << 20,
        RecipientLogMemoryBytes = 1L << 18,
        SegmentBytes = 1L << 22,
        MaxSessions = 4,
    };

    /// <summary>
    /// Sizes for a table that holds about <paramref name="references"/> references in memory: each hash index 12 to 24
    /// bytes a key (the power of two at or above 12: a 64-byte FASTER bucket holds 7 keys, so at most three quarters full,
    /// and the index, copied whole into every full checkpoint, no larger than that needs), and each log's memory enough for
    /// every record (a reference about 256 bytes, a capability or a recipient entry under 128), never below
    /// <see cref="Small"/> nor above the defaults. For a node whose load is known: a benchmark filing a campaign, a
    /// small domain. A table far over its sizes still works; it walks overflow buckets and reads records from disk.
    /// </summary>
    public static PendingTableOptions ForReferences(string dataDirectory, long references)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(references);
        var small = Small(dataDirectory);
        var defaults = new PendingTableOptions();
        static long Fit(long bytes, long min, long max) => Math.Clamp((long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(bytes, 1)), min, max);
        var index = Fit(references * IndexBytesPerKey, small.RefIndexBytes, defaults.RefIndexBytes);
        var refMemory = Fit(references * 256, small.RefLogMemoryBytes, defaults.RefLogMemoryBytes);
        var entryMemory = Fit(references * 128, small.CapabilityLogMemoryBytes, defaults.CapabilityLogMemoryBytes);
        var pageBytes = Math.Clamp(entryMemory / 64, small.PageBytes, defaults.PageBytes);
        return new PendingTableOptions
        {
            DataDirectory = dataDirectory,
            RefIndexBytes = index,
            CapabilityIndexBytes = index,
            RecipientIndexBytes = Fit(references * IndexBytesPerKey, small.RecipientIndexBytes, defaults.RecipientIndexBytes),
            PageBytes = pageBytes,
            RefLogMemoryBytes = refMemory,
            CapabilityLogMemoryBytes = entryMemory,
            RecipientLogMemoryBytes = entryMemory,
            SegmentBytes = Math.Max(small.SegmentBytes, pageBytes * 64),
            MaxSessions = small.MaxSessions,
        };
    }

    // Index bytes a key that ForReferences asks for before rounding up to a power of two: 16 (half full) doubled the
    // index whenever the rounding did, and the checkpoint's copy of it was a quarter of a campaign's state per reference
    // (perf-reports/pending-notes.md); 12 kept insert and poll rates where they were.
    private const long IndexBytesPerKey = 12;

    /// <summary>Directory for the table's files (<c>refs/</c>, <c>capabilities/</c>, <c>recipients/</c>, counters). Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Hash index of the reference store, in bytes (a power of two). Defaults to 512 MiB; FASTER adds overflow buckets beyond it.</summary>
    public long RefIndexBytes { get; set; } = 1L << 29;

    /// <summary>Hash index of the capability store, in bytes (a power of two). Defaults to 512 MiB.</summary>
    public long CapabilityIndexBytes { get; set; } = 1L << 29;

    /// <summary>Hash index of the recipient store (one key per recipient hash with pending references), in bytes. Defaults to 128 MiB.</summary>
    public long RecipientIndexBytes { get; set; } = 1L << 27;

    /// <summary>In-memory part of the reference log, in bytes (a power of two, at least 2 pages). Defaults to 256 MiB.</summary>
    public long RefLogMemoryBytes { get; set; } = 1L << 28;

    /// <summary>In-memory part of the capability log, in bytes. Defaults to 256 MiB.</summary>
    public long CapabilityLogMemoryBytes { get; set; } = 1L << 28;

    /// <summary>In-memory part of the recipient log, in bytes. Defaults to 256 MiB: every insert reads and rewrites its recipient's record, so it should stay warm.</summary>
    public long RecipientLogMemoryBytes { get; set; } = 1L << 28;

    /// <summary>Log page size, in bytes (a power of two, 4 KiB–256 MiB). Defaults to 4 MiB.</summary>
    public long PageBytes { get; set; } = 1L << 22;

    /// <summary>Log segment file size, in bytes (a power of two, at least one page). Defaults to 1 GiB.</summary>
    public long SegmentBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Hand each read of a record off the in-memory logs to the kernel as read-ahead (<c>posix_fadvise</c> <c>WILLNEED</c>,
    /// Linux only) as FASTER issues it, so that a poll's reads off the page cache wait on the disk side by side rather than
    /// a few at a time behind the thread pool's blocked threads (perf-reports/profile-poll-100m.md). Defaults to true.
    /// </summary>
    public bool ReadAhead { get; set; } = true;

    /// <summary>Allocate every in-memory log page at open instead of as the log first reaches it. Defaults to false.</summary>
    public bool PreallocateLogMemory { get; set; }

    /// <summary>
    /// Commit the hash indexes' memory at open (about <see cref="RefIndexBytes"/> + <see cref="CapabilityIndexBytes"/> +
    /// <see cref="RecipientIndexBytes"/> of RSS at once) instead of page by page as inserts first touch them, which costs
    /// a fresh table several page faults per insert until it holds a few million references. Defaults to false.
    /// </summary>
    public bool PrefaultIndexes { get; set; }

    /// <summary>Most pending references one sender domain may hold (docs/PROTOCOL.md §4.4 <c>table_full</c>). Defaults to 1,000,000.</summary>
    public long MaxEntriesPerSenderDomain { get; set; } = 1_000_000;

    /// <summary>Most pending references one recipient hash may hold. Defaults to 100,000.</summary>
    public int MaxEntriesPerRecipientHash { get; set; } = 100_000;

    /// <summary>How long a removed capability stays tombstoned (docs/PROTOCOL.md §4.5: at least 720 s). Defaults to 720 s.</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromSeconds(720);

    /// <summary>Most sequence slots one poll examines (removed references leave gaps); a poll that stops early says <see cref="PollResult.HasMore"/>. Defaults to 4,096.</summary>
    public int MaxPollScan { get; set; } = 4096;

    /// <summary>
    /// Most sender profiles (sender key, domain, MIME hint and fetch hints) the table interns, so that its references name
    /// them by id instead of repeating them (docs/ARCHITECTURE.md §3.5). Held in memory (a few hundred bytes each) and in
    /// <c>profiles.bin</c>, never dropped; once full, further references carry their profile inline (~110 bytes more
    /// each). Defaults to 65,536.
    /// </summary>
    public int MaxSenderProfiles { get; set; } = 65_536;

    /// <summary>Most FASTER sessions kept for concurrent callers. Defaults to 2 × processor count.</summary>
    public int MaxSessions { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Clock for removals and poll-time expiry checks. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range and the allowed range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException($"{nameof(PendingTableOptions)}.{nameof(DataDirectory)} is required.");
        }

        CheckPowerOfTwo(RefIndexBytes, 1L << 12, 1L << 36, nameof(RefIndexBytes));
        CheckPowerOfTwo(CapabilityIndexBytes, 1L << 12, 1L << 36, nameof(CapabilityIndexBytes));
        CheckPowerOfTwo(RecipientIndexBytes, 1L << 12, 1L << 36, nameof(RecipientIndexBytes));
        CheckPowerOfTwo(PageBytes, 1L << 12, 1L << 28, nameof(PageBytes));
        CheckPowerOfTwo(RefLogMemoryBytes, 2 * PageBytes, 1L << 40, nameof(RefLogMemoryBytes));
        CheckPowerOfTwo(CapabilityLogMemoryBytes, 2 * PageBytes, 1L << 40, nameof(CapabilityLogMemoryBytes));
        CheckPowerOfTwo(RecipientLogMemoryBytes, 2 * PageBytes, 1L << 40, nameof(RecipientLogMemoryBytes));
        CheckPowerOfTwo(SegmentBytes, PageBytes, 1L << 40, nameof(SegmentBytes));
        Check(MaxEntriesPerSenderDomain, 1, long.MaxValue, nameof(MaxEntriesPerSenderDomain));
        Check(MaxEntriesPerRecipientHash, 1, 1_000_000_000, nameof(MaxEntriesPerRecipientHash));
        Check(MaxPollScan, 1, 1_000_000, nameof(MaxPollScan));
        Check(MaxSessions, 1, 1024, nameof(MaxSessions));
        Check(MaxSenderProfiles, 0, 1 << 24, nameof(MaxSenderProfiles));
        if (TombstoneRetention < TimeSpan.FromSeconds(720))
        {
            throw new ArgumentException($"{nameof(PendingTableOptions)}.{nameof(TombstoneRetention)} is {TombstoneRetention}; docs/PROTOCOL.md §4.5 requires at least 720 s (the replay window plus clock skew).");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException($"{nameof(PendingTableOptions)}.{nameof(TimeProvider)} is required.");
        }
    }

    private static void CheckPowerOfTwo(long value, long min, long max, string name)
    {
        if (value < min || value > max || (value & (value - 1)) != 0)
        {
            throw new ArgumentException($"{nameof(PendingTableOptions)}.{name} is {value}; it must be a power of two from {min} to {max} bytes.");
        }
    }

    private static void Check(long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"{nameof(PendingTableOptions)}.{name} is {value}; it must be from {min} to {max}.");
        }
    }
}
