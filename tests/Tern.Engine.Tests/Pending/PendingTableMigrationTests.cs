using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Pending;

/// <summary>
/// Tables written in reference format 1 (the engine of 6c672c06: tests/vectors/pending/README.md) open with today's
/// engine, which rewrites their references in the compact format (docs/ARCHITECTURE.md §3.5).
/// </summary>
public sealed class PendingTableMigrationTests : IDisposable
{
    private const long StartMs = 1_800_000_000_000;
    private const long ExpiryMs = StartMs + 86_400_000;

    private readonly TempDirectory _directory = new("pending-migration");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_format_1_table_opens_with_every_reference_as_it_was_filed()
    {
        var directory = Extract("closed");
        using (var table = Open(directory))
        {
            Assert.Equal(4, table.Count);
            AssertFiled(table, hash: 1, [1, 3]);
            AssertFiled(table, hash: 2, [4, 5]);
            Assert.Equal(2, table.GetSenderDomainCount("a.example"));
            Assert.Equal(2, table.GetSenderDomainCount("b.example"));

            // The fetched reference's tombstone survived, and so did each reference's sender key (a retraction checks it).
            Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, 2, 1, KeyA).Status);
            Assert.False(table.Retract(Capability(4), Hash(2), KeyA, StartMs));
            Assert.True(table.Retract(Capability(4), Hash(2), KeyB, StartMs));
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, 7, 2, KeyA).Status);
            await table.DisposeAsync();
        }

        Assert.True(File.Exists(Path.Combine(directory, "format.bin")));
        Assert.True(File.Exists(Path.Combine(directory, "profiles.bin")));

        // Reopened: read as the current format, not migrated a second time (which would garble every reference).
        using (var table = Open(directory))
        {
            Assert.Equal(4, table.Count);
            AssertFiled(table, hash: 1, [1, 3]);
            Assert.Equal([5, 7], FetchCapabilityIndexes(table, 2));
        }
    }

    [Fact]
    public void A_crashed_format_1_table_is_renumbered_and_migrated()
    {
        var directory = Extract("crashed");
        using (var table = Open(directory))
        {
            // Reference 6 was filed after the last checkpoint: lost with the crash, filed again by the sender's retransmission.
            Assert.Equal(4, table.Count);
            AssertFiled(table, hash: 1, [1, 3]);
            AssertFiled(table, hash: 2, [4, 5]);
            var before = table.Poll(Hash(2), 0, 100).NextCursor;
            var again = Insert(table, 6, 2, KeyA);
            Assert.Equal(PendingInsertStatus.Inserted, again.Status);
            Assert.True(again.Sequence > before);
        }
    }

    [Fact]
    public void A_migrated_table_takes_the_room_of_the_new_format_not_of_both()
    {
        var directory = Extract("many");
        var before = RefLogBytes(directory);
        using (var table = Open(directory, segmentBytes: 1 << 19))
        {
            Assert.Equal(12_000, table.Count);
            for (var hash = 100; hash < 1_100; hash += 97)
            {
                var references = PendingFixture.PollAll(table, Hash(hash));
                Assert.Equal(12, references.Count);
                Assert.All(references, reference => Assert.Equal(("a.example", "text/plain", ExpiryMs + 5, StartMs + 5), (reference.SenderDomain, reference.MimeHint, reference.TransitExpiryMs, reference.ReceivedAtMs)));
            }
        }

        // The format-1 records are compacted away and their segments dropped: without that the log would hold both formats.
        Assert.True(RefLogBytes(directory) < before, $"reference log {RefLogBytes(directory)} bytes after the migration, {before} before");
        using (var table = Open(directory, segmentBytes: 1 << 19))
        {
            Assert.Equal(12_000, Enumerable.Range(100, 1_000).Sum(hash => PendingFixture.PollAll(table, Hash(hash)).Count));
        }
    }

    [Fact]
    public void A_migration_whose_checkpoint_did_not_complete_runs_again()
    {
        // format.bin written, its checkpoint never taken: it names a store version the recovered checkpoint has not reached.
        var directory = Extract("closed");
        var format = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(format, 0x4D465054);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(4), 2);
        BinaryPrimitives.WriteInt64LittleEndian(format.AsSpan(8), 1_000);
        File.WriteAllBytes(Path.Combine(directory, "format.bin"), format);
        using var table = Open(directory);
        AssertFiled(table, hash: 1, [1, 3]);
        AssertFiled(table, hash: 2, [4, 5]);
    }

    [Fact]
    public void A_table_of_a_later_format_is_refused_with_a_reason()
    {
        var directory = Extract("closed");
        var format = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(format, 0x4D465054);
        BinaryPrimitives.WriteInt32LittleEndian(format.AsSpan(4), 3);
        File.WriteAllBytes(Path.Combine(directory, "format.bin"), format);
        var error = Assert.Throws<InvalidDataException>(() => Open(directory));
        Assert.Contains("format 3", error.Message, StringComparison.Ordinal);
    }

    private static byte[] KeyA => [.. Enumerable.Range(0, 32).Select(i => (byte)(200 - i))];

    private static byte[] KeyB => [.. Enumerable.Range(0, 32).Select(i => (byte)(i + 1))];

    // As the fixtures' program made them (tests/vectors/pending/README.md).
    private static Bytes32 Value(byte label, long index)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Fill(label);
        BinaryPrimitives.WriteInt64BigEndian(bytes, index);
        return new Bytes32(bytes);
    }

    private static FetchCapability Capability(long index) => new(Value(0xCA, index));

    private static RecipientHash Hash(long index) => new(Value(0x4A, index));

    private static PendingInsertResult Insert(PendingTable table, long capability, long hash, byte[] key)
    {
        var hintBytes = FetchHintList.Encode(["https://a.example/v1/blobs"]);
        Assert.True(FetchHintList.TryCreate(hintBytes, out var hints));
        var record = new NotificationRecord(Capability(capability), Hash(hash), ExpiryMs, 1, Value(0x9A, capability), 1, NotificationFlags.None, "a.example"u8, "text/plain"u8, hints);
        return table.TryInsert(record, key, StartMs);
    }

    /// <summary>The references of a hash are the fixture's, in order, with every field as the program filed it.</summary>
    private static void AssertFiled(PendingTable table, long hash, long[] capabilities)
    {
        var references = PendingFixture.PollAll(table, Hash(hash));
        Assert.Equal(capabilities, references.Select(r => (long)BinaryPrimitives.ReadInt64BigEndian(r.Capability.Value.ToArray())));
        for (var n = 0; n < references.Count; n++)
        {
            var reference = references[n];
            var i = (int)capabilities[n] - 1;
            var fromA = capabilities[n] is 1 or 2 or 5 or 6;
            Assert.Equal(fromA ? "a.example" : "b.example", reference.SenderDomain);
            Assert.Equal(new Bytes32(fromA ? KeyA : KeyB), reference.SenderKey);
            Assert.Equal(ExpiryMs + i, reference.TransitExpiryMs);
            Assert.Equal(1000 + i, reference.PayloadSize);
            Assert.Equal(Value(0x9A, capabilities[n]), reference.PayloadHash);
            Assert.Equal(StartMs + i, reference.ReceivedAtMs);
            Assert.Equal(i + 1, reference.Attempt);
            Assert.Equal(i == 3 ? NotificationFlags.ViaGateway : NotificationFlags.None, reference.Flags);
            var (mime, hints) = capabilities[n] switch
            {
                3 => ("", Array.Empty<string>()),
                4 => ("message/rfc822", new[] { "https://b.example/v1/blobs", "tern+tcp://b.example:7443" }),
                _ => ("text/plain", new[] { "https://a.example/v1/blobs" }),
            };
            Assert.Equal(mime, reference.MimeHint);
            Assert.Equal(hints, reference.FetchHints);
            var found = table.Find(reference.Capability, out var foundHash);
            Assert.NotNull(found);
            Assert.Equal(reference.Sequence, found.Sequence);
            Assert.Equal(Hash(hash), foundHash);
        }
    }

    private static long[] FetchCapabilityIndexes(PendingTable table, long hash)
        => [.. PendingFixture.PollAll(table, Hash(hash)).Select(r => (long)BinaryPrimitives.ReadInt64BigEndian(r.Capability.Value.ToArray()))];

    private static long RefLogBytes(string directory)
        => Directory.GetFiles(Path.Combine(directory, "refs"), "hlog.log.*").Sum(file => new FileInfo(file).Length);

    private static PendingTable Open(string directory, long? segmentBytes = null)
    {
        var options = PendingTableOptions.Small(directory);
        options.SegmentBytes = segmentBytes ?? options.SegmentBytes;
        options.TimeProvider = new ManualClock(StartMs);
        return new PendingTable(options);
    }

    private string Extract(string variant)
    {
        var root = Path.Combine(_directory.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        using (var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "vectors", "pending", "format1-tables.tar.gz")))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, root, overwriteFiles: false);
        }

        return Path.Combine(root, variant);
    }
}
