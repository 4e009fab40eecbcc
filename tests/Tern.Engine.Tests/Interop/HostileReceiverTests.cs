using System.Net;
using System.Net.Sockets;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Interop;

/// <summary>
/// A running receiver node under hostile datagrams (DESIGN.md §5, PROTOCOL.md §4.4): random bytes, truncations,
/// replays, re-keyed and forged headers, expired and too-far-future datagrams. It must not crash, must never send a
/// datagram back, must count each drop under its reason, and valid traffic sent in between must still land.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class HostileReceiverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Hostile_datagrams_are_dropped_silently_and_counted_by_reason_while_valid_ones_land()
    {
        await using var receiver = await NodeProcess.StartAsync("b.example");
        var target = new IPEndPoint(IPAddress.Loopback, receiver.Port);
        using var legit = DomainKeySet.Generate("legit.example");
        using var attacker = Bind();
        using var peer = Bind();
        var sealer = new Sealer(legit, receiver.AgreementKey);
        var random = new Random(1234);
        var hash = RecipientHash.NewRandom();
        var valid = new List<FetchCapability>();
        var sent = 0;
        var expected = new Dictionary<DropReason, long>();

        async Task Hostile(byte[] datagram, DropReason reason)
        {
            await attacker.SendToAsync(datagram, target);
            sent++;
            expected[reason] = expected.GetValueOrDefault(reason) + 1;
        }

        async Task<byte[]> Valid()
        {
            var capability = FetchCapability.NewRandom();
            valid.Add(capability);
            var datagram = sealer.Notification(capability, hash, Now(), Now() + 3_600_000);
            await peer.SendToAsync(datagram, target);
            sent++;
            return datagram;
        }

        var first = await Valid();

        // Random bytes: too short, too long, unknown version and type, and well-typed junk under random keys.
        for (var i = 0; i < 5; i++)
        {
            await Hostile(RandomBytes(random, random.Next(1, NotificationLimits.MinDatagramSize)), DropReason.TooShort);
        }

        for (var i = 0; i < 3; i++)
        {
            await Hostile(RandomBytes(random, 1300), DropReason.TooLong);
        }

        // Well-typed junk: the first unknown key costs a key agreement and does not open, after which its source (the
        // attacker's address) gets no new key for the failure penalty: every later unknown key is cold_key_budget.
        await Valid();
        for (var i = 0; i < 4; i++)
        {
            var junk = RandomBytes(random, 400);
            junk[0] = 2;
            await Hostile(junk, DropReason.UnknownVersion);
            junk = RandomBytes(random, 400);
            junk[0] = 1;
            junk[1] = 9;
            await Hostile(junk, DropReason.UnknownType);
            junk = RandomBytes(random, 400);
            junk[0] = 1;
            junk[1] = 1;
            await Hostile(junk, i == 0 ? DropReason.Undecryptable : DropReason.ColdKeyBudget);
        }

        // Truncated valid datagrams: below the minimum, or one byte short (the tag no longer verifies).
        await Hostile(first[..100], DropReason.TooShort);
        await Hostile(first[..^1], DropReason.Undecryptable);
        await Valid();

        // Replays of a valid datagram: accepted again and filed once (idempotent by capability, §4.5).
        for (var i = 0; i < 3; i++)
        {
            await attacker.SendToAsync(first, target);
            sent++;
        }

        // Re-keyed: the header names an unknown key (refused: the source is still penalised); forged: the header names the
        // legitimate key, sealed by a stranger (its cached key does not open it).
        for (var i = 0; i < 3; i++)
        {
            var rekeyed = (byte[])first.Clone();
            RandomBytes(random, 32).CopyTo(rekeyed, 2);
            await Hostile(rekeyed, DropReason.ColdKeyBudget);
        }

        using (var stranger = DomainKeySet.Generate("mallory.example"))
        {
            var forged = new Sealer(stranger, receiver.AgreementKey).Notification(FetchCapability.NewRandom(), hash, Now(), Now() + 60_000);
            legit.AgreementPublicKey.CopyTo(forged.AsSpan(2));
            await Hostile(forged, DropReason.Undecryptable);
        }

        await Valid();

        // Well sealed but out of time: the datagram's sent_at (whole datagram) or the record's expiry (that record).
        await Hostile(sealer.Notification(FetchCapability.NewRandom(), hash, Now() + 600_000, Now() + 3_600_000), DropReason.Future);
        await Hostile(sealer.Notification(FetchCapability.NewRandom(), hash, Now() - 1_200_000, Now() + 3_600_000), DropReason.Stale);
        await Hostile(sealer.Notification(FetchCapability.NewRandom(), hash, Now(), Now() - 60_000), DropReason.Expired);
        await Hostile(sealer.Notification(FetchCapability.NewRandom(), hash, Now(), Now() + (long)TimeSpan.FromDays(40).TotalMilliseconds), DropReason.ExpiryTooFar);
        await Valid();

        await Eventually.AssertAsync(async () => (await receiver.StatsAsync())["received"] >= sent, Patience, "the receiver did not see every datagram");
        var stats = await receiver.StatsAsync();
        Assert.Equal(sent, stats["received"]);
        foreach (var reason in Enum.GetValues<DropReason>().Where(r => r != DropReason.None))
        {
            Assert.True(expected.GetValueOrDefault(reason) == stats["drop." + reason], $"drop.{reason}: expected {expected.GetValueOrDefault(reason)}, counted {stats["drop." + reason]}");
        }

        // Valid traffic landed, each capability once; the replays were duplicates, not drops.
        var pending = await receiver.PollAsync(hash.Value.ToString());
        Assert.Equal(valid.Select(c => c.ToString()).Order(), pending.Keys.Order());
        Assert.Equal(3, stats["sink.duplicates"]);
        Assert.Equal(valid.Count + 3, stats["accepted.records"]);

        // Silence: nothing ever came back, to the attacker or to the legitimate peer.
        await AssertSilentAsync(attacker);
        await AssertSilentAsync(peer);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task AssertSilentAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var buffer = new byte[2048];
        var received = -1;
        try
        {
            received = (await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token)).ReceivedBytes;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(received < 0, $"the receiver sent a {received}-byte datagram back");
    }

    /// <summary>Seals single-record notification datagrams from one domain to the receiver.</summary>
    private sealed class Sealer
    {
        private static readonly byte[] Hints = FetchHintList.Encode(["https://node.legit.example:7443"]);
        private readonly DomainKeySet _keys;
        private readonly byte[] _key = new byte[NotificationKey.Size];

        public Sealer(DomainKeySet keys, Bytes32 receiverKey)
        {
            _keys = keys;
            Assert.True(NotificationKey.TryDeriveSending(keys, receiverKey.ToArray(), _key));
        }

        public byte[] Notification(FetchCapability capability, RecipientHash hash, long sentAtMs, long expiryMs)
        {
            var buffer = new byte[NotificationLimits.MaxDatagramSize];
            var writer = new DatagramWriter(buffer, DatagramType.Notification, _keys.AgreementPublicKey, sentAtMs);
            FetchHintList.TryCreate(Hints, out var hints);
            Assert.True(writer.TryAdd(new NotificationRecord(capability, hash, expiryMs, 64, default, 1, NotificationFlags.None, "legit.example"u8, "message/tern"u8, hints)));
            return buffer[..writer.Seal(_key)];
        }
    }
}
