using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Fetch.Tests;

/// <summary>The recipient side: pull by capability, verify, store, remove the pending reference (§4.7, §8, §9).</summary>
public sealed class PullWorkerTests
{
    [Theory]
    [InlineData("framed", 0)]
    [InlineData("framed", 300_000)]
    [InlineData("http", 1000)]
    [InlineData("http", 300_000)]
    public async Task Pull_fetches_verifies_stores_and_removes_the_reference(string door, int size)
    {
        await using var p = await PullFixture.StartAsync();
        var hint = door == "framed" ? p.FramedHint() : p.HttpHint();
        var (hash, reference, content) = await p.NotifyAsync(size, size + 1, [hint]);
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        var message = Assert.Single(p.Messages.List(hash));
        Assert.Equal((PullFixture.SenderDomain, (long)size, reference.PayloadHash, "message/tern"), (message.SenderDomain, message.Size, message.PayloadHash, message.MimeHint));
        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
        Assert.Equal(DeliveryState.Fetched, await p.Sender.WaitForStateAsync(reference.Capability, DeliveryState.Fetched));
    }

    [Theory]
    [InlineData("framed")]
    [InlineData("http")]
    public async Task Pull_resumes_with_a_range_after_the_connection_is_cut_mid_body(string door)
    {
        await using var p = await PullFixture.StartAsync();
        var target = door == "framed" ? p.Sender.Framed : new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, p.Sender.Http.Port);
        await using var proxy = new CuttingProxy(target, cutAfter: 400_000, cuts: 2);
        var hint = door == "framed" ? p.FramedHint(proxy.EndPoint) : p.HttpHint(proxy.EndPoint);
        var (hash, reference, content) = await p.NotifyAsync(2_000_000, 3, [hint]);
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, proxy.Connections);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        var state = await p.Sender.WaitForStateAsync(reference.Capability, DeliveryState.Fetched);
        Assert.True(
            state == DeliveryState.Fetched,
            $"state {state}, tracked {p.Sender.Server.Coverage.TrackedCount}, marked {p.Sender.Server.Coverage.MarkedCount}: "
            + string.Join("\n", p.Sender.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning || e.EventId == 7).Select(e => e.Message)));
    }

    [Fact]
    public async Task Notification_key_that_is_not_the_senders_is_not_pulled()
    {
        await using var p = await PullFixture.StartAsync();
        var (hash, reference, _) = await p.NotifyAsync(1000, 4, [p.FramedHint()], senderKey: Bytes32.Random());
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.KeyMismatch, result.Outcome);
        Assert.False(p.Messages.Contains(hash, reference.Capability));
        Assert.Single(p.Pending.Poll(hash, 0, 10).References);
        Assert.Equal(DeliveryState.Outstanding, p.Sender.StateOf(reference.Capability));
    }

    [Fact]
    public async Task Gateway_notification_is_pulled_only_from_a_trusted_gateway_key()
    {
        await using var p = await PullFixture.StartAsync();
        var gateway = Bytes32.Random();
        var (hash, reference, _) = await p.NotifyAsync(1000, 5, [p.FramedHint()], senderKey: gateway, flags: NotificationFlags.ViaGateway);
        await using var untrusting = p.Worker();
        var options = new PullWorkerOptions();
        options.TrustedGatewayKeys.Add(gateway);
        await using var trusting = p.Worker(options: options);

        Assert.Equal(PullOutcome.KeyMismatch, (await untrusting.PullAsync(hash, reference)).Outcome);
        Assert.Equal(PullOutcome.Stored, (await trusting.PullAsync(hash, reference)).Outcome);
    }

    [Fact]
    public async Task Via_gateway_from_the_sender_domains_own_key_is_not_pulled_4_7()
    {
        // The key is the descriptor's agreement key, so the record would be pulled without the flag; with it, only a
        // trusted gateway's key qualifies.
        await using var p = await PullFixture.StartAsync();
        var (hash, reference, _) = await p.NotifyAsync(1000, 11, [p.FramedHint()], senderKey: p.SenderKey, flags: NotificationFlags.ViaGateway);
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.KeyMismatch, result.Outcome);
        Assert.Equal(0, result.Attempts);
        Assert.Equal(DeliveryState.Outstanding, p.Sender.StateOf(reference.Capability));
    }

    [Fact]
    public async Task Hints_of_unknown_schemes_or_unusable_forms_are_skipped_4_7_8_5()
    {
        await using var p = await PullFixture.StartAsync();
        var (hash, reference, content) = await p.NotifyAsync(1500, 12, ["gopher://127.0.0.1:70", "not a uri at all", "tern+tcp://127.0.0.1", p.HttpHint()]);
        await using var worker = p.Worker(PullFixture.Descriptor(p.SenderKey, "ftp://127.0.0.1:21"));

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(p.HttpHint(), result.Source);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_notified_hash_are_not_stored()
    {
        await using var p = await PullFixture.StartAsync();
        var (hash, reference, _) = await p.NotifyAsync(5000, 6, [p.HttpHint()], payloadHash: Bytes32.Random());
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Corrupt, result.Outcome);
        Assert.False(p.Messages.Contains(hash, reference.Capability));
        Assert.Empty(p.Messages.List(hash));
        Assert.Single(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task Unknown_capability_is_not_found_everywhere_and_stays_pending()
    {
        await using var p = await PullFixture.StartAsync();
        var hash = RecipientHash.NewRandom();
        var reference = p.File(hash, FetchCapability.NewRandom(), 100, Bytes32.Random(), DateTimeOffset.UtcNow.AddDays(1), [p.FramedHint(), p.HttpHint()], p.SenderKey);
        await using var worker = p.Worker();

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.NotFound, result.Outcome);
        Assert.Single(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task Without_hints_the_descriptor_fetch_doors_are_used()
    {
        await using var p = await PullFixture.StartAsync();
        var (hash, reference, content) = await p.NotifyAsync(2000, 7, []);
        await using var worker = p.Worker(PullFixture.Descriptor(p.SenderKey, "quic://127.0.0.1:1", p.FramedHint()));

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(p.FramedHint(), result.Source);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
    }

    [Fact]
    public async Task Queued_pulls_follow_the_pull_preference()
    {
        await using var p = await PullFixture.StartAsync();
        var hash = RecipientHash.NewRandom();
        var blobs = new List<(FetchCapability Cap, byte[] Content)>();
        for (var i = 0; i < 5; i++)
        {
            var content = FetchFixture.Bytes(1000 + i, 10 + i);
            var (cap, submitted) = await p.Sender.SubmitAsync(content, hash: hash);
            p.File(hash, cap, content.Length, submitted.PayloadHash, submitted.TransitExpiry, [p.FramedHint()], p.SenderKey);
            blobs.Add((cap, content));
        }

        await using var worker = p.Worker();
        var done = new TaskCompletionSource();
        var results = new System.Collections.Concurrent.ConcurrentBag<PullResult>();
        worker.Completed += r =>
        {
            results.Add(r);
            if (results.Count == blobs.Count)
            {
                done.TrySetResult();
            }
        };
        worker.Start();

        var (queued, _) = worker.EnqueueImmediate(hash, new FixedPreferences(Tern.Engine.Pending.PullPreference.Immediately));
        var (none, _) = worker.EnqueueImmediate(RecipientHash.NewRandom(), new FixedPreferences(Tern.Engine.Pending.PullPreference.Immediately));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, queued);
        Assert.Equal(0, none);
        Assert.All(results, r => Assert.Equal(PullOutcome.Stored, r.Outcome));
        Assert.All(blobs, b => Assert.Equal(b.Content, p.Stored(hash, b.Cap)));
        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task When_requested_preference_queues_nothing()
    {
        await using var p = await PullFixture.StartAsync();
        var (hash, _, _) = await p.NotifyAsync(100, 20, [p.FramedHint()]);
        await using var worker = p.Worker();

        var (queued, _) = worker.EnqueueImmediate(hash, new FixedPreferences(Tern.Engine.Pending.PullPreference.WhenRequested));

        Assert.Equal(0, queued);
    }

    private sealed class FixedPreferences(Tern.Engine.Pending.PullPreference preference) : IPullPreferences
    {
        public Tern.Engine.Pending.PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => preference;
    }
}
