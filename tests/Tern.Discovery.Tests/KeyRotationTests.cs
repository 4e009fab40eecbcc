using System.Net;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Discovery.Tests;

/// <summary>
/// A domain that changes its agreement key is followed without restart: discovery renews the cache entry before it
/// expires, the scheduler seals to the new key from the round the old answer expires in, the known-key table learns it,
/// and the puller looks again when a notification comes under a key the cached descriptor does not have.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class KeyRotationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task Once_the_ttl_runs_out_the_next_notification_is_sealed_to_the_rotated_key()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(udpPort: 7400), ttl: 60);
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var a = DomainKeySet.Generate("a.example");
        using var known = new KnownPeerKeys(a);
        var discovery = harness.Discovery(options => options.PrefetchRatio = 0.8, known, clock);

        var directory = Path.Combine(harness.Directory, "a");
        await using var store = await TransitStore.OpenAsync(TransitStoreOptions.Small(directory), clock);
        var transport = new OpeningTransport();
        using var scheduler = new NotificationScheduler(store, a, discovery.NotificationPeers, transport, new NotificationSchedulerOptions
        {
            InitialRetransmitInterval = TimeSpan.FromSeconds(10),
            MaxRetransmitInterval = TimeSpan.FromSeconds(10),
            PeerRefreshInterval = TimeSpan.FromMinutes(5),
        }, clock);

        var first = await SubmitAsync(store, clock);
        scheduler.Schedule(first);
        await RoundsUntilAsync(scheduler, clock, () => transport.Count > 0);
        var oldKeys = b.Keys;
        Assert.Equal([(new IPEndPoint(IPAddress.Loopback, 7400), true, (ushort)1)], transport.For(first.Capabilities[0], oldKeys));

        // b.example rotates: same signing key (the TXT record stays), a new agreement key in a new descriptor.
        var retired = b.RotateAgreementKey();
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(clock: clock)));

        // Past 80 % of the 60 s TTL a retransmission's round finds the old answer still good and renews it in the background.
        clock.Advance(TimeSpan.FromSeconds(50));
        scheduler.RunRound(clock.GetUtcNow().ToUnixTimeMilliseconds());
        await Eventually.AssertAsync(() => discovery.CachedKey("b.example") == b.AgreementKey, Patience);
        Assert.Equal(1, discovery.Counters.Prefetches);
        Assert.Equal(1, discovery.Counters.KeyChanges);
        Assert.Equal(2, known.Published);

        // After the old answer's expiry the next notification goes out sealed to the new key, at its first attempt.
        clock.Advance(TimeSpan.FromSeconds(11));
        var second = await SubmitAsync(store, clock);
        scheduler.Schedule(second);
        scheduler.RunRound(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var sent = transport.For(second.Capabilities[0], b.Keys, retired);
        Assert.NotEmpty(sent);
        Assert.Equal((true, (ushort)1), (sent[0].Opens, sent[0].Attempt));
        Assert.Equal(2, discovery.Counters.NetworkLookups);
        retired.Dispose();
    }

    [SkippableFact]
    public async Task A_notification_under_a_key_the_cached_descriptor_lacks_makes_the_puller_look_again_at_most_once_an_interval()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(), ttl: 3600);
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var self = DomainKeySet.Generate("c.example");
        using var known = new KnownPeerKeys(self);
        var discovery = harness.Discovery(options => options.RevalidateInterval = TimeSpan.FromSeconds(30), known, clock);
        var resolver = new KnownPeerDescriptorResolver(discovery.Descriptors, known);
        Assert.Equal(b.AgreementKey, (await resolver.ResolveAsync("b.example", default))!.AgreementKey);

        using var retired = b.RotateAgreementKey();
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(clock: clock)));

        // Within the interval the cached descriptor stands (anyone can send a notification under some other key).
        clock.Advance(TimeSpan.FromSeconds(10));
        var revalidation = resolver;
        Assert.Equal(retired.AgreementPublicKey.ToArray(), (await revalidation.RevalidateAsync("b.example", default))!.AgreementKey.ToArray());
        Assert.Equal(1, harness.Web.Requests("b.example"));

        clock.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(b.AgreementKey, (await revalidation.RevalidateAsync("b.example", default))!.AgreementKey);
        Assert.Equal(2, harness.Web.Requests("b.example"));
        Assert.Equal(b.AgreementKey, (await resolver.ResolveAsync("b.example", default))!.AgreementKey);
        Assert.Equal(2, harness.Web.Requests("b.example"));
    }

    private static async Task<SubmissionResult> SubmitAsync(TransitStore store, TimeProvider clock)
    {
        var request = new SubmissionRequest
        {
            Account = "alice",
            Recipients = [new TransitRecipient("b.example", RecipientHash.NewRandom())],
            TransitExpiry = clock.GetUtcNow() + TimeSpan.FromDays(1),
            MimeHint = "message/tern",
        };
        return await store.SubmitAsync(request, new MemoryStream(new byte[100]));
    }

    /// <summary>Runs rounds until <paramref name="done"/>: the peer's lookup finishes on the thread pool meanwhile.</summary>
    private static Task RoundsUntilAsync(NotificationScheduler scheduler, TimeProvider clock, Func<bool> done)
        => Eventually.AssertAsync(
            () =>
            {
                scheduler.RunRound(clock.GetUtcNow().ToUnixTimeMilliseconds());
                return done();
            },
            Patience,
            "the scheduler sent nothing");
}
