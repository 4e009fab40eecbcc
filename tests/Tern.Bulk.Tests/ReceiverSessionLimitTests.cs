using System.Net;
using Tern.Engine.Bulk;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Bulk.Tests;

/// <summary>
/// The receiving gateway's session limit with its default (docs/PROTOCOL.md §17.5, docs/OPERATIONS.md "Bulk next hops"):
/// a deep-space peer keeps a session open per window for three light times, so more than the 16 sessions the default
/// once allowed are open at once; each is taken and receipted, none dropped over the limit.
/// </summary>
public sealed class ReceiverSessionLimitTests
{
    private const string Sender = "ga.example";
    private const string Receiver = "gb.example";

    // Above the 16 the default once allowed, each session's commit one durable write.
    private const int Sessions = 24;

    [Fact]
    public async Task A_deep_space_sender_with_more_sessions_open_than_the_old_limit_is_not_refused_by_the_default()
    {
        using var directory = new TempDirectory("limit");
        using var senderKeys = DomainKeySet.Generate(Sender);
        using var receiverKeys = DomainKeySet.Generate(Receiver);
        var descriptors = new StaticDescriptorResolver(Describe(senderKeys), Describe(receiverKeys));
        await using var store = await TransitStore.OpenAsync(new TransitStoreOptions { DataDirectory = directory.File("b"), CheckpointInterval = Timeout.InfiniteTimeSpan, MinFreeBytes = 0 });
        var sink = new ReceiptSink();
        var options = new BulkReceiverOptions();
        options.Senders.Add(Sender);
        Assert.True(options.MaxSessions > Sessions, $"default MaxSessions {options.MaxSessions}");
        await using var receiver = new BulkReceiver(store, () => receiverKeys, descriptors, sink, options, directory.Path);
        var from = new IPEndPoint(IPAddress.Loopback, 40_000).Serialize();

        // More windows' sessions than the old limit of 16, each a block of one blob whose deadline (a Mars round trip away) keeps it held here.
        var datagram = new byte[1232];
        for (var i = 0; i < Sessions; i++)
        {
            var length = OneBlobSession(senderKeys, i, datagram);
            receiver.Receive(datagram.AsSpan(0, length), from);
        }

        Assert.True(await Eventually.TrueAsync(() => sink.Receipts == Sessions, TimeSpan.FromSeconds(30)), $"{sink.Receipts} receipts");
        Assert.Equal(Sessions, receiver.Counters.SessionsCompleted);
        Assert.Equal(0, receiver.Counters.OverLimit);
        Assert.Equal(0, receiver.Counters.SessionsRefused);
        Assert.Equal(Sessions, receiver.Sessions);
    }

    /// <summary>Writes the one data datagram of a session carrying a 200-byte blob (manifest and payload, the checkpoint).</summary>
    private static int OneBlobSession(DomainKeySet keys, int seed, byte[] datagram)
    {
        var payload = new byte[200];
        new Random(seed).NextBytes(payload);
        using var hasher = new PayloadHasher();
        hasher.Append(payload);
        var now = DateTimeOffset.UtcNow;
        var entry = new BulkManifestEntry(MessageId.NewRandom(), hasher.Finish(), payload.Length, (now + TimeSpan.FromHours(3)).ToUnixTimeMilliseconds(), "a.example", "b.example", "message/tern", [RecipientHash.NewRandom()]);
        var id = BulkSessionId.NewRandom();
        var manifest = new BulkManifest
        {
            Session = id,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            DeadlineMs = (now + TimeSpan.FromMinutes(21)).ToUnixTimeMilliseconds(),
            OneWayLightTimeMs = 600_000,
            SenderSigningKey = new Bytes32(keys.SigningPublicKey),
            SenderGateway = Sender,
            ReceiverGateway = Receiver,
            Entries = [entry],
        };
        var manifestBytes = manifest.Sign(keys);
        var blockLength = manifestBytes.Length + payload.Length;
        manifestBytes.CopyTo(datagram.AsSpan(BulkDatagram.DataHeaderSize));
        payload.CopyTo(datagram.AsSpan(BulkDatagram.DataHeaderSize + manifestBytes.Length));
        return BulkDatagram.WriteData(datagram, id, 1, blockLength, 0, blockLength);
    }

    private static DomainDescriptor Describe(DomainKeySet keys) =>
        DomainDescriptor.For(keys, ["udp://127.0.0.1:7400"], ["http://127.0.0.1:1"], TimeSpan.FromDays(1), gateway: true);

    /// <summary>Counts the receipts the receiver sends.</summary>
    private sealed class ReceiptSink : IBulkDatagramSink
    {
        private int _receipts;

        public int Receipts => Volatile.Read(ref _receipts);

        public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
        {
            if (BulkDatagram.TryReadHeader(datagram, out var type, out _, out _) && type == BulkDatagramType.Receipt)
            {
                Interlocked.Increment(ref _receipts);
            }
        }
    }
}
