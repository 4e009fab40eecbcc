using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Damaged journal entries and index checkpoints (docs/ARCHITECTURE.md §3.2) found by the journal and index-checkpoint
/// fuzz targets (docs/FUZZING.md): each is an <see cref="InvalidDataException"/>, never another exception, and a damaged
/// length does not size a buffer. The inputs are the fuzzer's, byte for byte.
/// </summary>
public sealed class TransitRecordDamageTests
{
    /// <summary>State changes counting more capabilities than they hold; submissions whose strings, delivery count or deliveries run past the end.</summary>
    public static TheoryData<string> DamagedEntries =>
    [
        "0200007f8182909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
        "02000001a0c4507f88010d0270717273747576a650c0635fd07ee8aa9a8182838485868788898aabacad8eaf",
        "01ffffe9a0c4507f88100002707172967475767778797a7b7c7d7e7f808182838485860002707d7273749c7b7b7b1ccb"
            + "c7082048631597e8aa9a707172737475767778797a7b7c7d7e7f808182838485860002707d7c58b9a58788898a8b8c8d"
            + "718f909192939495969798999a9b9c9d9e00001000a3a4a5a6a78000aaabacadaeaf",
        "011e1f2021221324252627616d706c65909192939495969798999a9b9c9d9e9fa0a10001a0e54fb06963650e6d277373"
            + "6167652f7266633832b9a500a2a3a4a5a6a7a8da918ad6a650c0635fd07ee8aa9a7c5832000370717273747576777879"
            + "7a7b7c5f7e7f808182838485868788898a8b8c8d8e8f323cf5a904ce7ca649da580620c1a64446ab092c71fce59bafe7"
            + "8ae3426c5d9009622e6578000001a0d65cf00000ff00000000cfe0e1e2e3e4e5e6e7e8e9eaebecedeeefaaabacadaeaf"
            + "f1ba6a9721cbc70820496315970162dec2e8fa7d77c88f22880080e666f6f34018622e6578616d706c65b0b1b2b3b4b5"
            + "b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfe0e1e2e3e4e5e6e7e8e9eaebeced0002f0f1f2f3f4f5"
            + "f6f7f8f9fafbfcfdfeff09622e6555616d706c65",
        "",
        "03",
        "02000001a0c4506c0000000000",
    ];

    [Theory]
    [MemberData(nameof(DamagedEntries))]
    public void A_damaged_journal_entry_is_invalid_data(string hex)
    {
        var entry = Convert.FromHexString(hex);
        Assert.Throws<InvalidDataException>(() => Replay(entry));
    }

    [Fact]
    public void Written_entries_read_back_and_any_truncation_of_them_is_invalid_data()
    {
        var blob = Sample(deliveries: 3);
        var submission = new byte[JournalCodec.MeasureSubmission(blob)];
        JournalCodec.WriteSubmission(submission, blob, 1_790_000_000_000);
        FetchCapability[] moved = [blob.Deliveries[0].Capability, blob.Deliveries[2].Capability];
        var change = new byte[JournalCodec.MeasureStateChange(moved.Length)];
        JournalCodec.WriteStateChange(change, DeliveryState.Fetched, 1_790_000_001_000, moved);

        var read = JournalCodec.ReadSubmission(submission, out var atMs);
        Assert.Equal(1_790_000_000_000, atMs);
        Assert.Equal(blob.Id, read.Id);
        Assert.Equal(["b.example", "c.example", "d.example"], read.Deliveries.Select(d => d.Domain));
        Assert.Equal(DeliveryState.Fetched, JournalCodec.ReadStateChange(change, out _, out var count));
        Assert.Equal(moved[1], JournalCodec.StateChangeCapability(change, count - 1));

        foreach (var entry in new[] { submission, change })
        {
            for (var length = 0; length < entry.Length; length++)
            {
                Assert.Throws<InvalidDataException>(() => Replay(entry.AsSpan(0, length).ToArray()));
            }

            Assert.Throws<InvalidDataException>(() => Replay([.. entry, 0]));
        }
    }

    [Fact]
    public void An_inline_entry_reads_back_with_its_bytes_and_a_wrong_count_or_any_truncation_is_invalid_data()
    {
        var blob = Inline(Sample(deliveries: 2));
        var entry = new byte[JournalCodec.MeasureSubmission(blob)];
        Assert.Equal(entry.Length, JournalCodec.WriteSubmission(entry, blob, blob.SubmittedMs));
        Assert.Equal(JournalCodec.InlineSubmissionType, entry[0]);

        var read = JournalCodec.ReadSubmission(entry, out _);
        Assert.Equal(blob.Inline, read.Inline);
        Assert.Equal((-1L, -1L), (read.FirstChunk, read.ChunkMap));

        for (var length = 0; length < entry.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => Replay(entry.AsSpan(0, length).ToArray()));
        }

        Assert.Throws<InvalidDataException>(() => Replay([.. entry, 0]));

        // The byte count (4 bytes before the bytes) other than the size, either way.
        var count = entry.Length - (int)blob.Size - 4;
        foreach (var wrong in new[] { (int)blob.Size - 1, (int)blob.Size + 1, int.MaxValue, -1 })
        {
            var damaged = entry.ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(damaged.AsSpan(count), wrong);
            Assert.Throws<InvalidDataException>(() => Replay(damaged));
        }
    }

    [Fact]
    public void A_checkpoint_of_a_blob_still_inline_reads_back_with_its_bytes()
    {
        var ledger = new TransitLedger();
        List<BlobEntry> blobs = [Inline(Sample(deliveries: 1)), Sample(deliveries: 1)];
        var stream = new MemoryStream();
        IndexCheckpoint.WriteContent(stream, 4096, ledger, blobs);

        var read = new List<BlobEntry>();
        IndexCheckpoint.Read(new MemoryStream(stream.ToArray()), "index.ckpt", new TransitLedger(), read, out _);

        Assert.Equal(blobs[0].Inline, read[0].Inline);
        Assert.Null(read[1].Inline);
        Assert.Equal(64, read[1].FirstChunk);
    }

    [Fact]
    public void A_checkpoint_whose_records_claim_more_than_it_holds_is_invalid_data_without_a_large_allocation()
    {
        // 719 bytes for which the reader allocated 1.8 GB: record lengths are checked against the bytes left first.
        var checkpoint = Convert.FromHexString(
            "584954540100000000100000000000000100000005616c69636562000000000000000000000000000000006c50c4a001"
            + "000003000000000000000000000000000000000000000000000000000000000000000000000000000000010000000962"
            + "2e6578616d706c659300000000000000006c50c4a0010000030000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000020000002801000001000001a0c4506c0008090a0b0c0d0e0f10111213141516"
            + "1718191a1b1c1d1e1f2021222324252627000001a0e85cf000000000000000003148b6d2d58c5daa493d17616cd326da"
            + "918ad6a650c0635fd07ee8aa9a7c58b9a5000001a0e54fb000000001a0ea760c00000000000000004000000000000000"
            + "400010000005616c6963650e6d6573736167652f7266633832320002707172737475767778797a7b7c7d7e7f80818283"
            + "8485868788898a8b8c8d8e8f323cf5a904ce7ca649da490620c1a64446ab092c71fce59bafe78ae3426c5d9009622e65"
            + "78616d706c65909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaff1ba6a9721cbc7082049"
            + "6315970162dec2e8fa7d77c88f22885174e666f6f34009622e6578616d706c650001000000006c50c4a0010000010200"
            + "0000e86f50c4a0010000d000000001000001a0c4506c0008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
            + "21222324252627000001a0e85cf000000000000000003148b6d2d58c5daa493d17616cd326da918ad6a650c0635fd07e"
            + "e8aa9a7c58b9a5000001a0e54fb000000001a0ea760c00000000000000004000000000000000400010000005616c6963"
            + "65000001707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f323cf5a904ce7ca649da4906"
            + "20c1a64446ab092c71fce59bafe78ae3426c5d9009622e6578616d706c650001000000006c50c4a001000058495454");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IndexCheckpoint.Read(new MemoryStream(checkpoint), "index.ckpt", new TransitLedger(), [], out _));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Contains("index.ckpt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_written_checkpoint_reads_back_and_every_truncation_or_bad_state_is_invalid_data()
    {
        var ledger = new TransitLedger();
        List<BlobEntry> blobs = [Sample(deliveries: 2), Sample(deliveries: 1)];
        foreach (var blob in blobs)
        {
            ledger.Submitted(blob, blob.SubmittedMs);
        }

        blobs[0].Deliveries[1].State = DeliveryState.Retracted;
        var stream = new MemoryStream();
        IndexCheckpoint.WriteContent(stream, 4096, ledger, blobs);
        var bytes = stream.ToArray();

        var read = new List<BlobEntry>();
        IndexCheckpoint.Read(new MemoryStream(bytes), "index.ckpt", new TransitLedger(), read, out var lastApplied);
        Assert.Equal(4096, lastApplied);
        Assert.Equal([1, 1], read.Select(b => b.OutstandingCount));
        Assert.Equal(DeliveryState.Retracted, read[0].Deliveries[1].State);

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => IndexCheckpoint.Read(new MemoryStream(bytes, 0, length), "index.ckpt", new TransitLedger(), [], out _));
        }

        // The last blob's one delivery: state (1 byte), attempt (4), next attempt (8), then the blob's last fetch (8) and
        // the end marker (4); 9 is no state.
        var state = bytes.Length - 4 - 8 - 13;
        bytes[state] = 9;
        Assert.Throws<InvalidDataException>(() => IndexCheckpoint.Read(new MemoryStream(bytes), "index.ckpt", new TransitLedger(), [], out _));
    }

    /// <summary>What recovery does with one journal entry (TransitStore.ReplayLocked), without a store.</summary>
    private static void Replay(byte[] entry)
    {
        switch (JournalCodec.EntryType(entry))
        {
            case JournalCodec.SubmissionType or JournalCodec.InlineSubmissionType:
                JournalCodec.ReadSubmission(entry, out _);
                break;
            case JournalCodec.StateChangeType:
                JournalCodec.ReadStateChange(entry, out _, out var count);
                for (var i = 0; i < count; i++)
                {
                    JournalCodec.StateChangeCapability(entry, i);
                }

                break;
        }
    }

    /// <summary>The blob as submitted inline: its bytes in its record, nothing in its bucket.</summary>
    private static BlobEntry Inline(BlobEntry blob)
    {
        blob.Inline = [.. Enumerable.Range(0, (int)blob.Size).Select(i => (byte)i)];
        blob.FirstChunk = -1;
        blob.ChunkMap = -1;
        return blob;
    }

    private static BlobEntry Sample(int deliveries)
    {
        var blob = new BlobEntry
        {
            Id = MessageId.NewRandom(),
            Account = "alice",
            MimeHint = "message/rfc822",
            SubmittedMs = 1_790_000_000_000,
            ExpiryMs = 1_790_604_800_000,
            Size = 49,
            PayloadHash = Bytes32.Random(),
            Window = new BucketWindow(1_790_553_600_000, 1_790_640_000_000),
            FirstChunk = 64,
            ChunkMap = 64,
            ChunkSize = 1 << 20,
        };
        blob.Deliveries = [.. Enumerable.Range(0, deliveries).Select(i => new DeliveryEntry(blob, FetchCapability.NewRandom(), (char)('b' + i) + ".example", new RecipientHash(Bytes32.Random())))];
        blob.OutstandingCount = deliveries;
        return blob;
    }
}
