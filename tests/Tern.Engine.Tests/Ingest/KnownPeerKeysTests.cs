using System.Net;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>Peers known from discovery have their receive key derived before their first datagram (docs/ARCHITECTURE.md §3.6).</summary>
public sealed class KnownPeerKeysTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly DomainKeySet _receiver = DomainKeySet.Generate("b.example");
    private readonly RecordingSink _sink = new();

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public void A_known_peer_is_heard_at_once_with_no_agreement_even_from_a_blocked_source_with_the_budget_spent()
    {
        using var known = new KnownPeerKeys(_receiver);
        using var peer = new PeerSender("a.example", _receiver);
        var ingest = new NotificationIngest(_receiver, _sink, _sink, new IngestOptions { ColdKeysPerSecond = 4 }, known);
        var source = SourcePrefix.Of(IPAddress.Parse("192.0.2.1"));
        var forged = new ForgedDatagrams(seed: 3);

        // The peer's source failed a derivation (blocked), and the global budget is spent by others.
        Assert.Equal(DropReason.Undecryptable, ingest.Process(forged.Next(), source, Now));
        for (var i = 0; i < 4; i++)
        {
            ingest.Process(forged.Next(), SourcePrefix.Of(new IPAddress([198, 51, 100, (byte)i])), Now);
        }

        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(peer.Notification(Now), source, Now));

        // Learned after the ingest started (the scheduler resolved it): the next batch has the key.
        Assert.True(known.Learn(peer.AgreementKey));
        var derived = ingest.Counters.ColdKeysDerived;
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now + 1), source, Now + 1));
        Assert.Equal(derived, ingest.Counters.ColdKeysDerived);
        Assert.Single(_sink.Accepted);
    }

    [Fact]
    public void A_peer_learned_before_the_ingest_started_is_known_to_it()
    {
        using var known = new KnownPeerKeys(_receiver);
        using var peer = new PeerSender("a.example", _receiver);
        Assert.True(known.Learn(peer.AgreementKey));
        var ingest = new NotificationIngest(_receiver, _sink, _sink, new IngestOptions(), known);

        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), 1, Now));
        Assert.Equal(0, ingest.Counters.ColdKeysDerived);
    }

    [Fact]
    public void Learning_is_bounded_a_key_learned_again_is_not_derived_again_and_low_order_keys_are_refused()
    {
        using var known = new KnownPeerKeys(_receiver, capacity: 8);
        var keys = Enumerable.Range(0, 20).Select(_ => Peer()).ToList();
        foreach (var key in keys)
        {
            Assert.True(known.Learn(key));
        }

        Assert.True(known.Learn(keys[^1])); // recent: nothing to publish
        Assert.Equal(20, known.Published);
        Assert.False(known.Learn(default)); // the all-zero point is of low order
        Assert.Equal(20, known.Published);

        // An ingest starting now gets the last 8 (the ring), and no more.
        var cache = new PeerKeyCache(8);
        Assert.Equal(20, known.CopyTo(cache, 0));
        Assert.Equal(8, cache.Count);
        Assert.All(keys.TakeLast(8), key => Assert.True(cache.TryGet(key.ToArray(), out _)));
        Assert.False(cache.TryGet(keys[0].ToArray(), out _));

        // Learned again once half a ring has gone by, an old key is published again (it stays while it is used).
        Assert.True(known.Learn(keys[12]));
        Assert.Equal(21, known.Published);
    }

    [Fact]
    public async Task The_delivery_and_pull_resolvers_teach_the_peers_they_resolve()
    {
        using var known = new KnownPeerKeys(_receiver);
        using var a = DomainKeySet.Generate("a.example");
        using var c = DomainKeySet.Generate("c.example");
        var peers = new StaticPeerResolver();
        peers.Set(new NotificationPeer("a.example", new Bytes32(a.AgreementPublicKey), new IPEndPoint(IPAddress.Loopback, 7400)));
        var delivery = new KnownPeerResolver(peers, known);
        var pull = new KnownPeerDescriptorResolver(new StaticDescriptorResolver(DomainDescriptor.For(c, ["udp://127.0.0.1:7400"], [], TimeSpan.FromDays(1))), known);

        Assert.NotNull(await delivery.ResolveAsync("a.example", default));
        Assert.Null(await delivery.ResolveAsync("unknown.example", default));
        Assert.NotNull(await pull.ResolveAsync("c.example", default));
        Assert.Null(await pull.ResolveAsync("unknown.example", default));
        Assert.Equal(2, known.Published);

        var cache = new PeerKeyCache(8);
        known.CopyTo(cache, 0);
        Assert.True(cache.TryGet(a.AgreementPublicKey, out _));
        Assert.True(cache.TryGet(c.AgreementPublicKey, out _));
    }

    [Fact]
    public void Known_peers_of_another_domain_key_are_refused()
    {
        using var other = DomainKeySet.Generate("other.example");
        using var known = new KnownPeerKeys(other);
        Assert.Throws<ArgumentException>(() => new NotificationIngest(_receiver, _sink, _sink, new IngestOptions(), known));
    }

    private static Bytes32 Peer()
    {
        using var keys = DomainKeySet.Generate("x.example");
        return new Bytes32(keys.AgreementPublicKey);
    }
}
