using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;
using Xunit.Abstractions;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// Issue 12, defect 2 (docs/ARCHITECTURE.md §3.6): a flood of well-shaped datagrams under random sender keys, which no
/// key opens, must neither evict an established peer's key nor keep a new peer from being heard. The ingest is driven
/// directly on a virtual clock, 200 000 forgeries a second (the rate of the simulation) for 20 s, with a quiet
/// established peer (one datagram every 4 s) and a new peer that starts one second into the flood (60 datagrams,
/// one every 250 ms). The key cache is 4 096 entries, so that the old cold path (which cached every derived key) shows its
/// churn within the 20 s as it would over minutes with the default 65 536.
/// </summary>
public sealed class ColdKeyFloodTests(ITestOutputHelper output) : IDisposable
{
    private const long Start = NotificationFixture.Now;
    private const int ForgedPerMs = 200;
    private const int FloodMs = 20_000;
    private const int EstablishedEveryMs = 4_000;
    private const int NewPeerFromMs = 1_000;
    private const int NewPeerEveryMs = 250;
    private const int NewPeerDatagrams = 60;
    private readonly DomainKeySet _receiver = DomainKeySet.Generate("b.example");

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public void Forged_keys_from_ten_thousand_IPv4_sources_neither_evict_an_established_peer_nor_starve_a_new_one()
    {
        var sources = Enumerable.Range(0, 10_000).Select(i => SourcePrefix.Of(new IPAddress([198, 18, (byte)(i >> 8), (byte)i]))).ToArray();
        var result = Flood(forged => sources[(int)(forged.NextRandom() % (ulong)sources.Length)],
            SourcePrefix.Of(IPAddress.Parse("192.0.2.10")), SourcePrefix.Of(IPAddress.Parse("203.0.113.20")));

        result.AssertTargets();
    }

    [Fact]
    public void Forged_keys_from_one_IPv6_slash_64_with_random_host_parts_neither_evict_an_established_peer_nor_starve_a_new_one()
    {
        var address = IPAddress.Parse("2001:db8:bad:1::").GetAddressBytes();
        var result = Flood(forged =>
            {
                BitConverter.TryWriteBytes(address.AsSpan(8), forged.NextRandom());
                return SourcePrefix.OfIPv6(address);
            },
            SourcePrefix.Of(IPAddress.Parse("2001:db8:1:1::10")), SourcePrefix.Of(IPAddress.Parse("2001:db8:2:2::20")));

        result.AssertTargets();
    }

    private FloodResult Flood(Func<ForgedDatagrams, int> forgedSource, int establishedSource, int newSource)
    {
        using var established = new PeerSender("established.example", _receiver);
        using var newcomer = new PeerSender("new.example", _receiver);
        var sink = new TallySink(established.Keys.AgreementPublicKey, newcomer.Keys.AgreementPublicKey);
        var ingest = new NotificationIngest(_receiver, sink, sink, new IngestOptions { PeerKeyCacheCapacity = 4096 });
        var forged = new ForgedDatagrams(seed: 12);

        // The established peer was heard before the flood began.
        Assert.Equal(DropReason.None, ingest.Process(established.Notification(Start), establishedSource, Start));
        var establishedSent = 1;
        var newSent = 0;
        for (var t = 1; t <= FloodMs; t++)
        {
            var now = Start + t;
            for (var i = 0; i < ForgedPerMs; i++)
            {
                if (i == ForgedPerMs / 2)
                {
                    // Legitimate datagrams arrive in the middle of the flood's batches.
                    if (t % EstablishedEveryMs == 0)
                    {
                        ingest.Stage(established.Notification(now), establishedSource, now);
                        establishedSent++;
                    }

                    if (t >= NewPeerFromMs && (t - NewPeerFromMs) % NewPeerEveryMs == 0 && newSent < NewPeerDatagrams)
                    {
                        ingest.Stage(newcomer.Notification(now), newSource, now);
                        newSent++;
                    }
                }

                var datagram = forged.Next();
                ingest.Stage(datagram, forgedSource(forged), now);
            }

            ingest.Flush(now);
        }

        var counters = ingest.Counters;
        output.WriteLine($"established {sink.First}/{establishedSent}, new {sink.Second}/{newSent}; keys derived {counters.ColdKeysDerived}; drops: "
            + $"over_rate {counters.Drops(DropReason.OverRate)}, cold_key_budget {counters.Drops(DropReason.ColdKeyBudget)}, undecryptable {counters.Drops(DropReason.Undecryptable)}");
        Assert.Equal(NewPeerDatagrams, newSent);
        Assert.Equal(sink.First + sink.Second, counters.DatagramsAccepted); // no forgery opened
        return new FloodResult(establishedSent, sink.First, newSent, sink.Second);
    }

    private sealed record FloodResult(int EstablishedSent, int EstablishedFiled, int NewSent, int NewFiled)
    {
        public void AssertTargets()
        {
            Assert.True(EstablishedFiled == EstablishedSent, $"the established peer lost {EstablishedSent - EstablishedFiled} of {EstablishedSent} notifications");
            Assert.True(NewFiled * 10 >= NewSent * 9, $"the new peer had {NewFiled} of {NewSent} datagrams filed, below 90 %");
        }
    }

    /// <summary>Counts what two sender keys got filed; keeps nothing else.</summary>
    private sealed class TallySink(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) : INotificationSink, IPullPreferences
    {
        private readonly byte[] _first = first.ToArray();
        private readonly byte[] _second = second.ToArray();

        public int First { get; private set; }

        public int Second { get; private set; }

        public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
        {
            First += senderKey.SequenceEqual(_first) ? 1 : 0;
            Second += senderKey.SequenceEqual(_second) ? 1 : 0;
            return DropReason.None;
        }

        public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => false;

        public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
    }
}
