using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// The parts of the ingest's cold path (docs/ARCHITECTURE.md §3.6, PROTOCOL.md §4.4), each on a virtual clock: only a
/// verified key is cached, probation, the per-source failure penalty, the retry share of the global budget.
/// </summary>
public sealed class ColdKeyPathTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly DomainKeySet _receiver = DomainKeySet.Generate("b.example");
    private readonly RecordingSink _sink = new();
    private readonly ForgedDatagrams _forged = new(seed: 7);

    public void Dispose() => _receiver.Dispose();

    private NotificationIngest Ingest(Action<IngestOptions>? configure = null)
    {
        var options = new IngestOptions();
        configure?.Invoke(options);
        return new NotificationIngest(_receiver, _sink, _sink, options);
    }

    private static int Source(int i) => SourcePrefix.Of(new IPAddress([10, 1, (byte)(i >> 8), (byte)i]));

    [Fact]
    public void Forged_datagrams_under_new_keys_neither_enter_the_cache_nor_evict_a_verified_peer()
    {
        var ingest = Ingest(o => o.PeerKeyCacheCapacity = 8);
        var peers = Enumerable.Range(0, 8).Select(i => new PeerSender($"p{i}.example", _receiver)).ToList();
        for (var i = 0; i < peers.Count; i++)
        {
            Assert.Equal(DropReason.None, ingest.Process(peers[i].Notification(Now), Source(i), Now));
        }

        // A thousand forgeries, each from its own source so that every one is derived (and fails).
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), Source(100 + i), Now));
        }

        Assert.Equal(1008, ingest.Counters.ColdKeysDerived);
        for (var i = 0; i < peers.Count; i++)
        {
            Assert.Equal(DropReason.None, ingest.Process(peers[i].Notification(Now + 1), Source(i), Now + 1));
        }

        Assert.Equal(1008, ingest.Counters.ColdKeysDerived); // every peer was still cached
        Assert.Equal(8, ingest.Counters.ColdKeysVerified);
        peers.ForEach(p => p.Dispose());
    }

    [Fact]
    public void A_key_on_probation_opens_its_real_datagram_without_another_agreement()
    {
        var ingest = Ingest();
        using var peer = new PeerSender("peer.example", _receiver);

        // A forger claims the peer's key first: one agreement, no open; the key waits on probation.
        var forged = peer.Notification(Now).ToArray();
        forged[^1] ^= 1;
        Assert.Equal(DropReason.Undecryptable, ingest.Process(forged, Source(1), Now));
        Assert.Equal(DropReason.Undecryptable, ingest.Process(forged, Source(2), Now));
        Assert.Equal(1, ingest.Counters.ColdKeysDerived);
        Assert.Equal(0, ingest.Counters.ColdKeysVerified);

        // The peer's own datagram opens under the probation key and moves it to the cache: still one agreement.
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(3), Now));
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(3), Now));
        Assert.Equal(1, ingest.Counters.ColdKeysDerived);
        Assert.Equal(1, ingest.Counters.ColdKeysVerified);
        Assert.Equal(2, _sink.Accepted.Count);
    }

    [Fact]
    public void A_source_whose_new_key_fails_gets_no_other_until_its_penalty_ends_and_repeated_failures_double_it()
    {
        var ingest = Ingest(o => o.ColdKeyFailurePenalty = TimeSpan.FromSeconds(10));
        using var first = new PeerSender("first.example", _receiver);
        using var second = new PeerSender("second.example", _receiver);
        using var third = new PeerSender("third.example", _receiver);
        var attacker = Source(1);

        // The first failure blocks the source for 10 s × [0.5, 1].
        Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), attacker, Now));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(first.Notification(Now + 4_999), attacker, Now + 4_999));
        Assert.Equal(1, ingest.Counters.ColdKeysRefusedBySource);
        Assert.Equal(DropReason.None, ingest.Process(first.Notification(Now + 4_999), Source(2), Now + 4_999)); // others are not

        // Over; the second failure blocks it for 20 s × [0.5, 1].
        var t = Now + 10_001;
        Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), attacker, t));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(second.Notification(t + 9_999), attacker, t + 9_999));
        t += 20_001;

        // A key that opens forgives the failures: the next one costs 10 s × [0.5, 1] again.
        Assert.Equal(DropReason.None, ingest.Process(second.Notification(t), attacker, t));
        Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), attacker, t));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(third.Notification(t + 4_999), attacker, t + 4_999));
        Assert.Equal(DropReason.None, ingest.Process(third.Notification(t + 10_001), attacker, t + 10_001));
        Assert.Equal(3, ingest.Counters.ColdKeysRefusedBySource);
    }

    [Fact]
    public void A_retransmitted_key_draws_on_the_retry_share_when_the_rest_of_the_budget_is_spent()
    {
        var ingest = Ingest(o => o.ColdKeysPerSecond = 40); // 30 a second for any new key, 10 kept for retries
        using var peer = new PeerSender("peer.example", _receiver);
        using var other = new PeerSender("other.example", _receiver);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), Source(100 + i), Now));
        }

        // Nothing left for a new key...
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(other.Notification(Now), Source(2), Now));
        Assert.Equal(2, ingest.Counters.ColdKeysRefusedGlobally);

        // ...but the same key from the same source again is a sender retransmitting: the retry share takes it.
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now + 1), Source(1), Now + 1));

        // Another key from a source refused before is no retry, and a fresh source gets nothing either.
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(_forged.Next(), Source(2), Now + 1));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(_forged.Next(), Source(3), Now + 1));
        Assert.Equal(31, ingest.Counters.ColdKeysDerived);
    }

    [Fact]
    public void The_cold_path_allocates_nothing_for_forged_datagrams()
    {
        var ingest = Ingest(o => o.DatagramsPerSecondPerSource = 1_000_000);
        _sink.Recording = false;
        var sources = Enumerable.Range(0, (5 * 64) + 1).Select(Source).ToArray();
        var onProbation = _forged.Next().ToArray();
        Assert.Equal(DropReason.Undecryptable, ingest.Process(onProbation, sources[^1], Now));

        // Each round: 64 new sources, whose first forgery is derived and fails (then waits on probation) and whose others
        // are refused (the source is blocked), and a datagram under a key on probation.
        void Round(int round)
        {
            for (var i = 0; i < 1000; i++)
            {
                ingest.Process(_forged.Next(), sources[(round * 64) + (i % 64)], Now + round);
            }

            ingest.Process(onProbation, sources[^1], Now + round);
        }

        Round(0);
        var rounds = Enumerable.Range(1, 4).Select(r => NotificationIngestTests.AllocatedBy(() => Round(r))).ToList();

        Assert.True(rounds.Skip(1).Contains(0L), $"allocated per round: {string.Join(", ", rounds)} bytes");
        Assert.Equal(1 + (5 * 64), ingest.Counters.ColdKeysDerived);
        Assert.Equal(5 * 936, ingest.Counters.ColdKeysRefusedBySource);
    }
}
