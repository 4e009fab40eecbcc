using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.CrashHarness;

/// <summary>
/// The crash test's workload, shared (as a linked source file) by the harness that writes it and the test that checks
/// it: everything about a blob derives from its seed.
/// </summary>
public static class CrashWorkload
{
    /// <summary>Small chunks so that many blobs span several chunks.</summary>
    public const int ChunkSize = 8 * 1024;

    /// <summary>
    /// Environment variable naming the <see cref="TransitLogWrites"/> of both the journal and the blob logs, set by the
    /// test for the harness; unset, the store's defaults.
    /// </summary>
    public const string LogWritesVariable = "TERN_CRASH_LOG_WRITES";

    /// <summary>Store options of both sides: small pages and segments, frequent checkpoints; both logs written <paramref name="writes"/> when given.</summary>
    public static TransitStoreOptions Options(string directory, TransitLogWrites? writes = null)
    {
        var options = BaseOptions(directory);
        if (writes is { } chosen)
        {
            options.BlobLogWrites = chosen;
            options.JournalLogWrites = chosen;
        }

        return options;
    }

    private static TransitStoreOptions BaseOptions(string directory) => new()
    {
        DataDirectory = directory,
        ChunkSize = ChunkSize,
        BlobPageSizeBits = 16,
        BlobMemorySizeBits = 18,
        BlobSegmentSizeBits = 20,
        JournalPageSizeBits = 19,
        JournalMemorySizeBits = 21,
        JournalSegmentSizeBits = 20,
        CheckpointInterval = TimeSpan.FromMilliseconds(150),

        // Small blobs that ride the journal are settled in the background between checkpoints too.
        JournalInlineHeldBytes = 32 * 1024,
    };

    /// <summary>
    /// Size of a large blob: 48 pages of the options' 64 KiB and more, across four 1 MiB segments, with a partial last
    /// chunk. Large blobs have negative seeds.
    /// </summary>
    public const int LargeSize = (3 << 20) + 777;

    /// <summary>Blobs a batch worker submits in one <see cref="TransitStore.SubmitManyAsync"/> call.</summary>
    public const int BatchSize = 8;

    /// <summary>Size of the blob of <paramref name="seed"/>: mostly small, one in four up to 12 chunks; large for a negative seed.</summary>
    public static int Size(int seed)
    {
        if (seed < 0)
        {
            return LargeSize;
        }

        var random = new Random(seed);
        return random.Next(4) == 0 ? random.Next(ChunkSize * 12) : random.Next(2048);
    }

    /// <summary>The blob's bytes.</summary>
    public static byte[] Content(int seed)
    {
        var bytes = new byte[Size(seed)];
        new Random(seed ^ 0x5eed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>1–3 recipients at a few domains.</summary>
    public static TransitRecipient[] Recipients(int seed)
    {
        var random = new Random(seed ^ 0x7ec1);
        var recipients = new TransitRecipient[1 + random.Next(3)];
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < recipients.Length; i++)
        {
            random.NextBytes(hash);
            recipients[i] = new TransitRecipient($"d{random.Next(4)}.example", new RecipientHash(hash));
        }

        return recipients;
    }
}
