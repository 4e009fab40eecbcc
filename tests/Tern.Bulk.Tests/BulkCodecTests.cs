using Tern.Engine.Bulk;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;

namespace Tern.Bulk.Tests;

/// <summary>The bulk datagram, manifest and receipt codecs (docs/PROTOCOL.md §17.2, §17.3, §17.5): round trips, every truncation, every flipped byte.</summary>
public sealed class BulkCodecTests
{
    private static readonly BulkSessionId Session = new(0x0102030405060708, 0x090a0b0c0d0e0f10);

    [Fact]
    public void Data_datagram_round_trips_and_every_truncation_is_refused()
    {
        var datagram = new byte[BulkDatagram.DataHeaderSize + 100];
        new Random(1).NextBytes(datagram.AsSpan(BulkDatagram.DataHeaderSize));
        var length = BulkDatagram.WriteData(datagram, Session, checkpointSerial: 7, blockLength: 5000, offset: 1200, dataLength: 100);

        Assert.Equal(datagram.Length, length);
        Assert.True(BulkDatagram.TryReadHeader(datagram, out var type, out var flags, out var session));
        Assert.Equal(BulkDatagramType.Data, type);
        Assert.Equal(Session, session);
        Assert.True(BulkDatagram.TryReadData(datagram, flags, out var serial, out var block, out var offset, out var data));
        Assert.Equal((7u, 5000L, 1200L), (serial, block, offset));
        Assert.True(data.SequenceEqual(datagram.AsSpan(BulkDatagram.DataHeaderSize)));

        // Fed one byte at a time: no prefix reads as a whole datagram.
        for (var cut = 0; cut <= BulkDatagram.DataHeaderSize; cut++)
        {
            var prefix = datagram.AsSpan(0, cut);
            Assert.False(BulkDatagram.TryReadHeader(prefix, out _, out var f, out _) && BulkDatagram.TryReadData(prefix, f, out _, out _, out _, out _));
        }
    }

    [Theory]
    [InlineData(0, 2)] // version
    [InlineData(1, 9)] // type
    [InlineData(2, 0)] // checkpoint flag without a serial
    [InlineData(3, 1)] // the zero byte
    public void Header_fields_out_of_range_are_refused(int index, byte value)
    {
        var datagram = new byte[BulkDatagram.DataHeaderSize + 10];
        BulkDatagram.WriteData(datagram, Session, 3, 100, 0, 10);
        datagram[index] = value;

        Assert.False(BulkDatagram.TryReadHeader(datagram, out _, out var flags, out _) && BulkDatagram.TryReadData(datagram, flags, out _, out _, out _, out _));
    }

    [Fact]
    public void Data_outside_its_block_is_refused()
    {
        var datagram = new byte[BulkDatagram.DataHeaderSize + 10];
        BulkDatagram.WriteData(datagram, Session, 0, blockLength: 15, offset: 10, dataLength: 10);

        Assert.True(BulkDatagram.TryReadHeader(datagram, out _, out var flags, out _));
        Assert.False(BulkDatagram.TryReadData(datagram, flags, out _, out _, out _, out _));
    }

    [Fact]
    public void Report_round_trips_and_unordered_or_overlapping_ranges_are_refused()
    {
        var datagram = new byte[BulkDatagram.ReportHeaderSize + (3 * BulkDatagram.RangeSize)];
        var length = BulkDatagram.WriteReport(datagram, Session, complete: false, 4, 10_000, 3);
        BulkDatagram.WriteRange(datagram, 0, 0, 100);
        BulkDatagram.WriteRange(datagram, 1, 200, 300);
        BulkDatagram.WriteRange(datagram, 2, 9000, 10_000);

        Assert.True(BulkDatagram.TryReadHeader(datagram.AsSpan(0, length), out var type, out var flags, out _));
        Assert.Equal(BulkDatagramType.Report, type);
        Assert.True(BulkDatagram.TryReadReport(datagram, flags, out var complete, out var serial, out var upper, out var ranges));
        Assert.Equal((false, 4u, 10_000L, 3), (complete, serial, upper, ranges.Length / BulkDatagram.RangeSize));
        BulkDatagram.ReadRange(ranges, 1, out var start, out var end);
        Assert.Equal((200L, 300L), (start, end));

        BulkDatagram.WriteRange(datagram, 1, 50, 300); // overlaps the first
        Assert.False(BulkDatagram.TryReadReport(datagram, flags, out _, out _, out _, out _));
        BulkDatagram.WriteRange(datagram, 1, 200, 300);
        BulkDatagram.WriteRange(datagram, 2, 9000, 10_001); // past the upper bound
        Assert.False(BulkDatagram.TryReadReport(datagram, flags, out _, out _, out _, out _));
        Assert.False(BulkDatagram.TryReadReport(datagram.AsSpan(0, length - 1), flags, out _, out _, out _, out _));
    }

    [Fact]
    public void Cancel_round_trips_and_unknown_reasons_are_refused()
    {
        var datagram = new byte[BulkDatagram.HeaderSize + 1];
        BulkDatagram.WriteCancel(datagram, Session, BulkCancelReason.RetryLimit);

        Assert.True(BulkDatagram.TryReadHeader(datagram, out _, out var flags, out _));
        Assert.True(BulkDatagram.TryReadCancel(datagram, flags, out var reason));
        Assert.Equal(BulkCancelReason.RetryLimit, reason);
        datagram[BulkDatagram.HeaderSize] = 99;
        Assert.False(BulkDatagram.TryReadCancel(datagram, flags, out _));
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        var random = new Random(11);
        var datagram = new byte[300];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(datagram);
            datagram[0] = 1;
            datagram[3] = 0;
            var span = datagram.AsSpan(0, random.Next(datagram.Length));
            if (BulkDatagram.TryReadHeader(span, out _, out var flags, out _))
            {
                BulkDatagram.TryReadData(span, flags, out _, out _, out _, out _);
                BulkDatagram.TryReadReport(span, flags, out _, out _, out _, out _);
                BulkDatagram.TryReadCancel(span, flags, out _);
                Assert.Null(BulkReceipt.TryParse(span[BulkDatagram.HeaderSize..]));
                Assert.Null(BulkManifest.TryParse(span));
            }
        }
    }

    [Fact]
    public void Manifest_round_trips_and_any_flipped_byte_fails_it()
    {
        using var keys = DomainKeySet.Generate("ga.example");
        var manifest = Manifest(keys, 2);
        var bytes = manifest.Sign(keys);

        Assert.Equal(manifest.EncodedLength, bytes.Length);
        Assert.Equal(bytes.Length, BulkManifest.PeekLength(bytes));
        var parsed = BulkManifest.TryParse(bytes);
        Assert.NotNull(parsed);
        Assert.Equal(manifest.Session, parsed.Session);
        Assert.Equal(manifest.DeadlineMs, parsed.DeadlineMs);
        Assert.Equal(manifest.Entries[1], parsed.Entries[1] with { RecipientHashes = manifest.Entries[1].RecipientHashes });
        Assert.Equal(manifest.Entries[1].RecipientHashes, parsed.Entries[1].RecipientHashes);
        Assert.Equal(manifest.EncodedLength + 300, manifest.BlobOffset(1));

        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0x40;
            Assert.Null(BulkManifest.TryParse(bytes));
            bytes[i] ^= 0x40;
        }
    }

    [Fact]
    public void Receipt_round_trips_binds_its_root_and_any_flipped_byte_fails_it()
    {
        using var sender = DomainKeySet.Generate("ga.example");
        using var gateway = DomainKeySet.Generate("gb.example");
        var manifest = Manifest(sender, 3);
        bool[] accepted = [true, false, true];
        var receipt = new BulkReceipt
        {
            Session = Session,
            ManifestHash = BulkReceipt.HashManifest(manifest.Sign(sender)),
            Root = BulkMerkle.Root(manifest, accepted),
            Accepted = accepted,
            AcceptedAtMs = 1_700_000_000_000,
            GatewaySigningKey = new Bytes32(gateway.SigningPublicKey),
            GatewayDomain = "gb.example",
        };
        var bytes = receipt.Sign(gateway);

        var parsed = BulkReceipt.TryParse(bytes);
        Assert.NotNull(parsed);
        Assert.Equal(accepted, parsed.Accepted);
        Assert.Equal(2, parsed.AcceptedCount);
        Assert.Equal(receipt.Root, parsed.Root);
        Assert.NotEqual(BulkMerkle.Root(manifest, [true, true, true]), parsed.Root);
        Assert.NotEqual(BulkMerkle.Root(manifest, [false, true, true]), parsed.Root);
        Assert.Equal(default, BulkMerkle.Root(manifest, [false, false, false]));

        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0x01;
            Assert.Null(BulkReceipt.TryParse(bytes));
            bytes[i] ^= 0x01;
        }
    }

    [Fact]
    public void A_contact_plan_window_gives_the_sessions_contact()
    {
        var opens = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var window = new Tern.Engine.Contacts.ContactWindow("geo-1", "ga.example", "gb.example", opens, opens.AddMinutes(10), 20_000_000, TimeSpan.FromMilliseconds(300), 4);
        var peer = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7500);

        var contact = BulkContact.For(window, peer);

        Assert.Equal(new BulkContact("gb.example", peer, 20_000_000, TimeSpan.FromMilliseconds(300)) { End = opens.AddMinutes(10) }, contact);
    }

    [Fact]
    public void The_per_datagram_paths_allocate_nothing()
    {
        var datagram = new byte[1232];
        var set = new BulkRangeSet();
        PerDatagram(datagram, set, 0);
        // Windows of 1000 datagrams: an allocation a datagram would show in each, a one-off of the runtime's in one.
        var next = 1;
        Assert.Equal(0, Allocations.FewestOf(3, () =>
        {
            for (var i = 0; i < 1000; i++, next++)
            {
                PerDatagram(datagram, set, next);
            }
        }));
    }

    /// <summary>What each data datagram and report costs: write and read a data datagram, record its range in order, write and read a report of the holes.</summary>
    private static void PerDatagram(byte[] datagram, BulkRangeSet set, int index)
    {
        var length = BulkDatagram.WriteData(datagram, Session, (uint)index, 10_000_000, index * 1192L, 1192);
        BulkDatagram.TryReadHeader(datagram.AsSpan(0, length), out _, out var flags, out _);
        BulkDatagram.TryReadData(datagram.AsSpan(0, length), flags, out _, out var blockLength, out var offset, out var data);
        set.Add(offset, offset + data.Length);
        var count = set.Missing(0, blockLength, 70, datagram, BulkDatagram.WriteRange, out _);
        var report = BulkDatagram.WriteReport(datagram, Session, complete: false, (uint)index, blockLength, count);
        BulkDatagram.TryReadReport(datagram.AsSpan(0, report), 0, out _, out _, out _, out _);
    }

    private static BulkManifest Manifest(DomainKeySet keys, int count) => new()
    {
        Session = Session,
        CreatedAtMs = 1_700_000_000_000,
        DeadlineMs = 1_700_000_060_000,
        OneWayLightTimeMs = 300,
        SenderSigningKey = new Bytes32(keys.SigningPublicKey),
        SenderGateway = keys.Domain,
        ReceiverGateway = "gb.example",
        Entries = [.. Enumerable.Range(0, count).Select(i => new BulkManifestEntry(
            MessageId.NewRandom(), Bytes32.Random(), 300 + i, 1_700_000_900_000, "a.example", "b.example", i == 0 ? "" : "message/tern",
            [RecipientHash.NewRandom(), RecipientHash.NewRandom()]))],
    };
}
