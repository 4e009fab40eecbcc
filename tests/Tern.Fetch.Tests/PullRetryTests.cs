using System.Collections.Concurrent;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>
/// A queued pull that failed for a reason that may pass (the sender's descriptor not to be had, no door reachable) is
/// queued again after a capped exponential backoff with jitter until its reference's transit expiry, and counted.
/// </summary>
public sealed class PullRetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_pull_that_failed_is_retried_until_it_is_stored()
    {
        await using var p = await PullFixture.StartAsync();
        var resolver = new FlakyResolver(PullFixture.Descriptor(p.SenderKey), failures: 2);
        var options = new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), RetryBackoff = TimeSpan.FromMilliseconds(50), MaxRetryBackoff = TimeSpan.FromMilliseconds(200) };
        await using var worker = new PullWorker(p.Pending, p.Messages, resolver, p.Sources, options);
        var results = new ConcurrentQueue<PullOutcome>();
        worker.Completed += r => results.Enqueue(r.Outcome);
        worker.Start();

        var (hash, reference, content) = await p.NotifyAsync(3000, 81, [p.FramedHint()]);
        Assert.True(worker.TryEnqueue(hash, reference));

        await Eventually.AssertAsync(() => results.Contains(PullOutcome.Stored), Patience);
        Assert.Equal([PullOutcome.DescriptorUnavailable, PullOutcome.DescriptorUnavailable, PullOutcome.Stored], results);
        Assert.Equal(2, worker.RetriesScheduled);
        Assert.Equal(0, worker.RetriesWaiting);
        Assert.Equal(0, worker.Outstanding);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task A_door_that_comes_back_is_pulled_from_on_a_later_try()
    {
        await using var p = await PullFixture.StartAsync();
        var options = new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), AttemptsPerSource = 1, RetryBackoff = TimeSpan.FromMilliseconds(100), MaxRetryBackoff = TimeSpan.FromMilliseconds(300) };

        // The only door is a proxy that resets its first two connections: the sender down, then back.
        await using var door = new CuttingProxy(p.Sender.Framed, cutAfter: 0, cuts: 2);
        await using var worker = p.Worker(PullFixture.Descriptor(p.SenderKey), options);
        var results = new ConcurrentQueue<PullOutcome>();
        worker.Completed += r => results.Enqueue(r.Outcome);
        worker.Start();
        var (hash, reference, content) = await p.NotifyAsync(5000, 82, [p.FramedHint(door.EndPoint)]);
        Assert.True(worker.TryEnqueue(hash, reference));

        await Eventually.AssertAsync(() => results.Contains(PullOutcome.Stored), Patience);
        Assert.Equal([PullOutcome.Failed, PullOutcome.Failed, PullOutcome.Stored], results);
        Assert.Equal(3, door.Connections);
        Assert.Equal(2, worker.RetriesScheduled);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
    }

    [Fact]
    public async Task A_duplicate_notification_with_new_fetch_hints_sends_the_next_try_to_the_new_door()
    {
        await using var p = await PullFixture.StartAsync();
        var options = new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), AttemptsPerSource = 1, RetryBackoff = TimeSpan.FromMilliseconds(200), MaxRetryBackoff = TimeSpan.FromMilliseconds(400), RetryJitter = 0 };

        // A gateway that restarted on other ports: its old door refuses, and the descriptor lists no door of its own.
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var oldDoor = (System.Net.IPEndPoint)closed.LocalEndpoint;
        closed.Stop();
        await using var worker = p.Worker(PullFixture.Descriptor(p.SenderKey), options);
        var results = new ConcurrentQueue<PullOutcome>();
        worker.Completed += r => results.Enqueue(r.Outcome);
        worker.Start();
        var (hash, reference, content) = await p.NotifyAsync(4000, 83, [p.FramedHint(oldDoor)]);
        Assert.True(worker.TryEnqueue(hash, reference));
        await Eventually.AssertAsync(() => results.Contains(PullOutcome.Failed), Patience);

        // The same capability notified again with the new door: filed in place, and the waiting pull's next try reads it.
        var renotified = p.File(hash, reference.Capability, 4000, reference.PayloadHash, DateTimeOffset.FromUnixTimeMilliseconds(reference.TransitExpiryMs), [p.FramedHint()], p.SenderKey);
        Assert.Equal(reference.Sequence, renotified.Sequence);
        Assert.Equal([p.FramedHint()], renotified.FetchHints);

        await Eventually.AssertAsync(() => results.Contains(PullOutcome.Stored), Patience);
        Assert.All(results.Take(results.Count - 1), o => Assert.Equal(PullOutcome.Failed, o));
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task Retries_stop_before_the_transit_expiry_and_the_reference_stays_pending()
    {
        await using var p = await PullFixture.StartAsync();
        var options = new PullWorkerOptions { RetryBackoff = TimeSpan.FromMilliseconds(100), MaxRetryBackoff = TimeSpan.FromMilliseconds(400), RetryJitter = 0 };
        await using var worker = new PullWorker(p.Pending, p.Messages, new FlakyResolver(PullFixture.Descriptor(p.SenderKey), failures: int.MaxValue), p.Sources, options);
        var results = new ConcurrentQueue<PullOutcome>();
        worker.Completed += r => results.Enqueue(r.Outcome);
        worker.Start();

        var hash = RecipientHash.NewRandom();
        var reference = p.File(hash, FetchCapability.NewRandom(), 100, Bytes32.Random(), DateTimeOffset.UtcNow.AddSeconds(2), [p.FramedHint()], p.SenderKey);
        Assert.True(worker.TryEnqueue(hash, reference));

        // Waits of 100, 200, 400, 400 ms... until the next would end after the expiry, 2 s after filing.
        await Eventually.AssertAsync(() => worker.RetriesExhausted == 1, Patience);
        Assert.InRange(worker.RetriesScheduled, 3, 6);
        Assert.Equal(worker.RetriesScheduled + 1, results.Count);
        Assert.All(results, o => Assert.Equal(PullOutcome.DescriptorUnavailable, o));
        Assert.Equal(0, worker.RetriesWaiting);

        // Still filed: the worker gave up without removing it (a poll could not tell, since on a loaded machine the 2 s
        // expiry may pass before this line, and a poll skips what has expired; nothing sweeps the table here).
        Assert.Equal(1, p.Pending.Count);
    }

    [Fact]
    public async Task A_reference_gone_before_its_retry_is_not_pulled_again()
    {
        await using var p = await PullFixture.StartAsync();
        var resolver = new FlakyResolver(PullFixture.Descriptor(p.SenderKey), failures: 1);
        var options = new PullWorkerOptions { RetryBackoff = TimeSpan.FromMilliseconds(300), MaxRetryBackoff = TimeSpan.FromMilliseconds(300), RetryJitter = 0 };
        await using var worker = new PullWorker(p.Pending, p.Messages, resolver, p.Sources, options);
        var results = new ConcurrentQueue<PullOutcome>();
        worker.Completed += r => results.Enqueue(r.Outcome);
        worker.Start();

        var (hash, reference, _) = await p.NotifyAsync(100, 83, [p.FramedHint()]);
        Assert.True(worker.TryEnqueue(hash, reference));
        await Eventually.AssertAsync(() => worker.RetriesScheduled == 1, Patience);
        Assert.True(p.Pending.Remove(reference.Capability, Tern.Engine.Pending.PendingRemoval.Fetched));

        await Eventually.AssertAsync(() => worker.RetriesWaiting == 0, Patience);
        Assert.Equal([PullOutcome.DescriptorUnavailable], results);
        Assert.Equal(1, resolver.Calls);
    }

    [Theory]
    [InlineData(1, 0.0, 1000)]
    [InlineData(2, 0.0, 2000)]
    [InlineData(4, 0.0, 8000)]
    [InlineData(7, 0.0, 60_000)]
    [InlineData(60, 0.0, 60_000)]
    [InlineData(2, 0.5, 1800)]
    [InlineData(7, 0.999, 48_012)]
    public void The_wait_doubles_is_capped_and_the_jitter_takes_off_up_to_its_fraction(int retry, double sample, int expectedMs)
    {
        var options = new PullWorkerOptions { RetryBackoff = TimeSpan.FromSeconds(1), MaxRetryBackoff = TimeSpan.FromMinutes(1), RetryJitter = 0.2 };
        Assert.Equal(expectedMs, options.RetryWait(retry, sample).TotalMilliseconds, 0.5);
    }

    [Fact]
    public void The_defaults_are_the_documented_ones_and_bad_values_are_refused()
    {
        var options = new PullWorkerOptions();
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 0.2), (options.RetryBackoff, options.MaxRetryBackoff, options.RetryJitter));
        Assert.Throws<InvalidOperationException>(() => new PullWorkerOptions { RetryJitter = 1.5 }.Validate());
        Assert.Throws<InvalidOperationException>(() => new PullWorkerOptions { RetryBackoff = TimeSpan.FromMinutes(2), MaxRetryBackoff = TimeSpan.FromMinutes(1) }.Validate());
        Assert.Throws<InvalidOperationException>(() => new PullWorkerOptions { RetryBackoff = TimeSpan.FromSeconds(-1) }.Validate());
    }

    /// <summary>Answers null (no descriptor) the first <c>failures</c> times, then the descriptor.</summary>
    private sealed class FlakyResolver(DomainDescriptor descriptor, int failures) : IDescriptorResolver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
            => ValueTask.FromResult(Interlocked.Increment(ref _calls) <= failures ? null : descriptor);
    }
}
