using System.Buffers.Binary;
using System.Text.Json;
using Tern.Engine.Bulk;

namespace Tern.Bulk.Tests;

/// <summary>
/// The codecs against docs/PROTOCOL.md §17 read independently: datagrams built here byte by byte from the tables, and the
/// committed vectors (tests/vectors/bulk.json, written by tests/Tern.Vectors) read back through the codecs.
/// </summary>
public sealed class BulkSpecTests
{
    [Fact]
    public void A_data_datagram_is_the_header_then_serial_block_length_offset_and_bytes()
    {
        var session = new BulkSessionId(0xa1a2a3a4a5a6a7a8, 0xb1b2b3b4b5b6b7b8);
        var expected = new List<byte> { 1, 1, 0x01, 0 };
        expected.AddRange(Convert.FromHexString("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"));
        expected.AddRange(BigEndian32(9));
        expected.AddRange(BigEndian64(70_000));
        expected.AddRange(BigEndian64(2384));
        expected.AddRange("abc"u8.ToArray());

        var written = new byte[expected.Count];
        "abc"u8.CopyTo(written.AsSpan(BulkDatagram.DataHeaderSize));
        Assert.Equal(expected.Count, BulkDatagram.WriteData(written, session, 9, 70_000, 2384, 3));
        Assert.Equal(expected, written);
    }

    [Fact]
    public void A_report_is_the_header_then_serial_upper_bound_count_and_ranges()
    {
        var session = new BulkSessionId(1, 2);
        var expected = new List<byte> { 1, 2, 0, 0 };
        expected.AddRange(BigEndian64(1));
        expected.AddRange(BigEndian64(2));
        expected.AddRange(BigEndian32(4));
        expected.AddRange(BigEndian64(5000));
        expected.AddRange([0, 1]);
        expected.AddRange(BigEndian64(10));
        expected.AddRange(BigEndian64(20));

        var written = new byte[expected.Count];
        Assert.Equal(expected.Count, BulkDatagram.WriteReport(written, session, complete: false, 4, 5000, 1));
        BulkDatagram.WriteRange(written, 0, 10, 20);
        Assert.Equal(expected, written);
    }

    [Fact]
    public void The_committed_vectors_read_back_through_the_codecs()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "bulk.json")));
        var root = document.RootElement;
        byte[] Hex(string name) => Convert.FromHexString(root.GetProperty(name).GetString()!);

        var manifest = BulkManifest.TryParse(Hex("manifest"));
        Assert.NotNull(manifest);
        Assert.Equal(Hex("sender_signing_public"), manifest.SenderSigningKey.ToArray());
        Assert.Equal(Hex("session_id"), Bytes(manifest.Session));

        var data = Hex("data_datagram");
        Assert.True(BulkDatagram.TryReadHeader(data, out var type, out var flags, out var session));
        Assert.Equal(BulkDatagramType.Data, type);
        Assert.True(BulkDatagram.TryReadData(data, flags, out var serial, out var blockLength, out var offset, out var bytes));
        Assert.Equal((1u, 0L), (serial, offset));
        Assert.Equal(Hex("block"), bytes.ToArray());
        Assert.Equal(blockLength, Hex("block").Length);
        Assert.Equal(manifest.Session, session);

        var receipt = BulkReceipt.TryParse(Hex("receipt"));
        Assert.NotNull(receipt);
        Assert.Equal(BulkReceipt.HashManifest(Hex("manifest")), receipt.ManifestHash);
        Assert.Equal(Hex("merkle_leaf"), receipt.Root.ToArray());
        Assert.Equal(BulkMerkle.Root(manifest, receipt.Accepted), receipt.Root);
        Assert.Equal(Hex("receiver_signing_public"), receipt.GatewaySigningKey.ToArray());

        var report = Hex("report");
        Assert.True(BulkDatagram.TryReadHeader(report, out _, out flags, out _));
        Assert.True(BulkDatagram.TryReadReport(report, flags, out var complete, out _, out _, out var ranges));
        Assert.False(complete);
        BulkDatagram.ReadRange(ranges, 0, out var start, out var end);
        Assert.Equal((100L, 200L), (start, end));
        var done = Hex("report_complete");
        Assert.True(BulkDatagram.TryReadHeader(done, out _, out flags, out _));
        Assert.True(BulkDatagram.TryReadReport(done, flags, out complete, out _, out _, out _));
        Assert.True(complete);
    }

    private static byte[] Bytes(BulkSessionId id)
    {
        var bytes = new byte[BulkSessionId.Size];
        id.Write(bytes);
        return bytes;
    }

    private static byte[] BigEndian32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
