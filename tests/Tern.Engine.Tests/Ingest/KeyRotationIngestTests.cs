using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// The ingest across a key rotation of the receiving domain (docs/PROTOCOL.md §16.4), on a virtual clock: datagrams sealed
/// to the old key open until previous_until and are undecryptable after it; a peer that switched costs one agreement; forged
/// keys cost no more agreements in the window than outside it; known peers are derived for both key sets.
/// </summary>
public sealed class KeyRotationIngestTests : IDisposable
{
    private readonly TempDirectory _directory = new("rotation-ingest");
    private readonly ManualClock _clock = new(NotificationFixture.Now);
    private readonly RecordingSink _sink = new();
    private readonly ForgedDatagrams _forged = new(seed: 16);
    private readonly DomainKeyRotation _rotation;

    public KeyRotationIngestTests()
    {
        using (var keys = DomainKeySet.Generate("b.example", _clock))
        {
            keys.Save(_directory.Path);
        }

        _rotation = DomainKeyRotation.Open(_directory.Path, DomainKeySet.Load(_directory.Path), _clock);
    }

    public void Dispose()
    {
        _rotation.Dispose();
        _directory.Dispose();
    }

    private long Now => _clock.NowMs;

    private NotificationIngest Ingest(KnownPeerKeys? known = null)
        => new(_rotation.Snapshot.Current, _sink, _sink, new IngestOptions(), known, rotation: _rotation);

    private static int Source(int i) => SourcePrefix.Of(new IPAddress([10, 2, (byte)(i >> 8), (byte)i]));

    [Fact]
    public void Notifications_sealed_to_the_old_key_open_until_previous_until_and_are_dropped_after()
    {
        var ingest = Ingest();
        var old = _rotation.Snapshot.Current;
        using var peer = new PeerSender("a.example", old);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));

        var rotated = _rotation.Begin(TimeSpan.FromDays(7));

        // In the window: still sealed to the old key (a peer whose descriptor cache has not refreshed), no new agreement.
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(1, ingest.Counters.ColdKeysDerived);
        Assert.Equal(1, ingest.Counters.DatagramsOpenedUnderOther);

        // The peer's cache refreshed: sealed to the new key, which costs one agreement under the new secret, once.
        peer.SealTo(rotated.Current);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(1, ingest.Counters.RotationKeysDerived);
        Assert.Equal(2, ingest.Counters.ColdKeysDerived);
        Assert.Equal(1, ingest.Counters.DatagramsOpenedUnderOther); // the new key is the preferred one

        // Both keys open side by side until the window ends.
        peer.SealTo(old);
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        _rotation.Refresh();
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(2, ingest.Counters.DatagramsOpenedUnderOther);

        // previous_until: the old secret is retired, and a datagram sealed to it is undecryptable, counted as such.
        _clock.Advance(TimeSpan.FromSeconds(1));
        _rotation.Refresh();
        Assert.Equal(DropReason.Undecryptable, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Undecryptable));
        peer.SealTo(rotated.Current);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(6, _sink.Accepted.Count);
        Assert.Equal(2, ingest.Counters.ColdKeysDerived);
        Assert.Equal(2, ingest.Counters.DatagramsOpenedUnderOther);
    }

    [Fact]
    public void Random_forged_keys_cost_one_agreement_each_in_the_window_as_outside_it()
    {
        var ingest = Ingest();
        _rotation.Begin(TimeSpan.FromDays(7));

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(DropReason.Undecryptable, ingest.Process(_forged.Next(), Source(100 + i), Now));
        }

        Assert.Equal(200, ingest.Counters.ColdKeysDerived);
        Assert.Equal(0, ingest.Counters.RotationKeysDerived);
    }

    [Fact]
    public void Forgeries_under_a_real_peers_key_cost_at_most_one_more_agreement_in_the_window()
    {
        var ingest = Ingest();
        using var peer = new PeerSender("a.example", _rotation.Snapshot.Current);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        _rotation.Begin(TimeSpan.FromDays(7));

        for (var i = 0; i < 50; i++)
        {
            var forged = peer.Notification(Now).ToArray();
            forged[^1] ^= 1;
            Assert.Equal(DropReason.Undecryptable, ingest.Process(forged, Source(200 + i), Now));
        }

        Assert.Equal(1, ingest.Counters.RotationKeysDerived);
        Assert.Equal(2, ingest.Counters.ColdKeysDerived);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
    }

    [Fact]
    public void A_new_peer_sealing_to_the_old_key_in_the_window_opens_on_its_retransmission()
    {
        var ingest = Ingest();
        var old = _rotation.Snapshot.Current;
        _rotation.Begin(TimeSpan.FromDays(7));
        using var peer = new PeerSender("c.example", old);

        // Never seen: derived under the preferred (new) secret only, which does not open it; the repeat tries the old one.
        Assert.Equal(DropReason.Undecryptable, ingest.Process(peer.Notification(Now), Source(3), Now));
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(3), Now));
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(3), Now));
        Assert.Equal(2, ingest.Counters.ColdKeysDerived);
        Assert.Equal(1, ingest.Counters.RotationKeysDerived);
    }

    [Fact]
    public void An_announced_rotation_opens_the_next_key_before_rotates_at_and_both_after()
    {
        var ingest = Ingest();
        var old = _rotation.Snapshot.Current;
        using var peer = new PeerSender("a.example", old);
        var announced = _rotation.Begin(TimeSpan.FromDays(7), lead: TimeSpan.FromHours(1));
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));

        peer.SealTo(announced.Other!);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));

        _clock.Advance(TimeSpan.FromHours(1));
        _rotation.Refresh();
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        peer.SealTo(old);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(2, ingest.Counters.ColdKeysDerived);
    }

    [Fact]
    public void Known_peers_rekeyed_at_the_rotation_open_under_either_key_without_an_agreement()
    {
        var old = _rotation.Snapshot.Current;
        using var known = new KnownPeerKeys(old);
        using var peer = new PeerSender("a.example", old);
        Assert.True(known.Learn(peer.AgreementKey));
        var ingest = Ingest(known);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));

        var rotated = _rotation.Begin(TimeSpan.FromDays(7));
        known.Rekey(rotated.Current);

        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        peer.SealTo(rotated.Current);
        Assert.Equal(DropReason.None, ingest.Process(peer.Notification(Now), Source(1), Now));
        Assert.Equal(0, ingest.Counters.ColdKeysDerived);
    }
}
