using Microsoft.Extensions.Logging;
using Tern.Engine.Loops;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>
/// The recipient's long-running loops outlive what throws in them: a pull, a <see cref="PullWorker.Completed"/> handler,
/// the immediate-pull pump reading a table that fails. Each failure is counted and logged once within the rate-limit window.
/// </summary>
public sealed class PullLoopFaultTests
{
    private const int PullFailedEvent = 5004;
    private const int HandlerFailedEvent = 5007;
    private const int HandOverFailedEvent = 5008;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Pulls_that_throw_are_counted_logged_once_and_the_worker_goes_on()
    {
        await using var p = await PullFixture.StartAsync();
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), MaxConcurrentPulls = 1 };
        await using var worker = new PullWorker(p.Pending, p.Messages, new ThrowingResolver(), p.Sources, options, factory.CreateLogger<PullWorker>());
        var results = new System.Collections.Concurrent.ConcurrentQueue<PullResult>();
        worker.Completed += results.Enqueue;
        worker.Start();

        for (var i = 0; i < 3; i++)
        {
            var (hash, reference, _) = await p.NotifyAsync(100, 60 + i, [p.FramedHint()]);
            Assert.True(worker.TryEnqueue(hash, reference));
        }

        await Eventually.AssertAsync(() => results.Count == 3, Patience);
        Assert.All(results, r => Assert.Equal(PullOutcome.Failed, r.Outcome));
        Assert.Equal(3, worker.Errors.Count(LoopErrorKind.Unexpected));
        Assert.Equal(1, logs.Entries.Count(e => e.EventId == PullFailedEvent));
    }

    [Fact]
    public async Task A_completed_handler_that_throws_does_not_end_the_worker()
    {
        await using var p = await PullFixture.StartAsync();
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), MaxConcurrentPulls = 1 };
        await using var worker = new PullWorker(p.Pending, p.Messages, new StaticDescriptorResolver(PullFixture.Descriptor(p.SenderKey)), p.Sources, options, factory.CreateLogger<PullWorker>());
        var results = new System.Collections.Concurrent.ConcurrentQueue<PullResult>();
        worker.Completed += r =>
        {
            results.Enqueue(r);
            throw new InvalidOperationException("a subscriber's bug");
        };
        worker.Start();

        for (var i = 0; i < 3; i++)
        {
            var (hash, reference, _) = await p.NotifyAsync(100, 70 + i, [p.FramedHint()]);
            Assert.True(worker.TryEnqueue(hash, reference));
        }

        await Eventually.AssertAsync(() => results.Count == 3, Patience);
        Assert.All(results, r => Assert.Equal(PullOutcome.Stored, r.Outcome));
        Assert.Equal(3, worker.HandlerErrors.Count(LoopErrorKind.Unexpected));
        Assert.Equal(0, worker.Errors.Total);
        Assert.Equal(1, logs.Entries.Count(e => e.EventId == HandlerFailedEvent));
    }

    [Fact]
    public async Task The_immediate_pull_pump_outlives_a_table_that_throws()
    {
        await using var p = await PullFixture.StartAsync();
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var worker = p.Worker();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 8, factory.CreateLogger<ImmediatePullQueue>());
        queue.Start();
        await p.Pending.DisposeAsync();

        for (var i = 1; i <= 3; i++)
        {
            Assert.True(queue.TryEnqueue(FetchCapability.NewRandom(), RecipientHash.NewRandom(), (ulong)i));
        }

        await Eventually.AssertAsync(() => queue.Errors.Count(LoopErrorKind.Unexpected) == 3, Patience);
        await queue.DisposeAsync();
        Assert.Equal(1, logs.Entries.Count(e => e.EventId == HandOverFailedEvent));
        Assert.Equal(0, queue.HandedOver + queue.Vanished + queue.Refused);
    }

    /// <summary>A resolver whose lookups fail, as a DNS client's might: every pull through it throws.</summary>
    private sealed class ThrowingResolver : IDescriptorResolver
    {
        public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
            => throw new IOException("DNS lookup failed");
    }
}
