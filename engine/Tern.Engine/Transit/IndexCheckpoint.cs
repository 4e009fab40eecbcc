using System.Buffers;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>
/// The index checkpoint: every indexed blob with its deliveries' states, the accounting ledger, and the journal address
/// of the last entry applied. A blob still held inline (indexed after the checkpoint's settling pass) is written as its
/// inline record, bytes and all. Written whole through <see cref="AtomicFile"/>, so a crash leaves either the old or the new
/// checkpoint (docs/ARCHITECTURE.md §3.2).
/// </summary>
internal static class IndexCheckpoint
{
    private const int Magic = 0x5454_4958; // "TTIX"
    private const int Version = 3;

    // Version 2 is version 3 without inline records (blobs whose bytes ride their records, docs/ARCHITECTURE.md §3.2);
    // bumped so a binary from before them refuses such a checkpoint by its version instead of inside a record.
    private const int VersionWithoutInline = 2;

    // Version 1 had no last-fetch time per blob: read as never fetched (no grace after a restart).
    private const int VersionWithoutFetchTimes = 1;
    private const string FileName = "index.ckpt";

    public static void Write(string directory, long lastApplied, TransitLedger ledger, ICollection<BlobEntry> blobs)
        => AtomicFile.Write(Path.Combine(directory, FileName), stream => WriteContent(stream, lastApplied, ledger, blobs));

    /// <summary>Writes a checkpoint's content to <paramref name="stream"/> (the file's bytes; the fuzz target's seeds).</summary>
    internal static void WriteContent(Stream stream, long lastApplied, TransitLedger ledger, ICollection<BlobEntry> blobs)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(lastApplied);
        ledger.Write(writer);
        writer.Write(blobs.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            foreach (var blob in blobs)
            {
                var length = JournalCodec.MeasureSubmission(blob);
                if (buffer.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                JournalCodec.WriteSubmission(buffer, blob, blob.SubmittedMs);
                writer.Write(length);
                writer.Write(buffer, 0, length);
                foreach (var d in blob.Deliveries)
                {
                    writer.Write((byte)d.State);
                    writer.Write(d.Attempt);
                    writer.Write(d.NextAttemptMs);
                }

                writer.Write(blob.LastFetchedMs);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        writer.Write(Magic);
        writer.Flush();
    }

    /// <summary>
    /// Reads the checkpoint if there is one; blobs come back with their deliveries' states restored. False only when
    /// there is none: a file that is not one whole checkpoint is an <see cref="InvalidDataException"/> naming it, never
    /// false, since the journal before the checkpoint may be gone and replaying what is left would lose those blobs.
    /// </summary>
    public static bool TryRead(string directory, TransitLedger ledger, List<BlobEntry> blobs, out long lastApplied)
    {
        var path = Path.Combine(directory, FileName);
        lastApplied = -1;
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Read(stream, path, ledger, blobs, out lastApplied);
        return true;
    }

    /// <summary>Reads a checkpoint from <paramref name="stream"/>; anything else is an <see cref="InvalidDataException"/> naming <paramref name="path"/>.</summary>
    internal static void Read(Stream stream, string path, TransitLedger ledger, List<BlobEntry> blobs, out long lastApplied)
    {
        try
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            lastApplied = ReadContent(reader, stream, ledger, blobs);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or IndexOutOfRangeException or OverflowException or FormatException)
        {
            // Cut short (EndOfStreamException), a check below, or a field the codecs cannot read: the file is not a checkpoint.
            throw new InvalidDataException($"'{path}' is not a whole transit index checkpoint of version {Version}: {ex.Message}", ex);
        }
    }

    private static long ReadContent(BinaryReader reader, Stream stream, TransitLedger ledger, List<BlobEntry> blobs)
    {
        var magic = reader.ReadInt32();
        var version = reader.ReadInt32();
        if (magic != Magic || version is not (Version or VersionWithoutInline or VersionWithoutFetchTimes))
        {
            throw new InvalidDataException("wrong magic or version");
        }

        var lastApplied = reader.ReadInt64();
        ledger.Read(reader);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            // A length is checked against what is left before anything is allocated for it.
            var length = reader.ReadInt32();
            if (length < 0 || length > stream.Length - stream.Position)
            {
                throw new InvalidDataException($"record {i} claims {length} bytes");
            }

            var blob = JournalCodec.ReadSubmission(reader.ReadBytes(length), out _);
            var outstanding = 0;
            foreach (var d in blob.Deliveries)
            {
                var state = reader.ReadByte();
                if (state > (byte)DeliveryState.Transferred)
                {
                    throw new InvalidDataException($"record {i} has a delivery in state {state}");
                }

                d.State = (DeliveryState)state;
                d.Attempt = reader.ReadInt32();
                d.NextAttemptMs = reader.ReadInt64();
                outstanding += d.State == DeliveryState.Outstanding ? 1 : 0;
            }

            blob.LastFetchedMs = version == VersionWithoutFetchTimes ? 0 : reader.ReadInt64();
            blob.OutstandingCount = outstanding;
            blobs.Add(blob);
        }

        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException("no end marker");
        }

        return lastApplied;
    }
}
