using System.Collections.Concurrent;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// The pull worker's slots under a campaign (perf-reports/spam-economics.md): a sender domain with thousands of pulls
/// queued and a source that answers only when the test lets it holds at most its share of the slots, and another domain's
/// pull starts while every campaign pull is still held. A pull begun on its caller's thread
/// (<see cref="PullWorker.TryBeginOrEnqueue"/>) keeps to the same caps and is waited for by disposal.
/// </summary>
public sealed class PullWorkerSlotTests : IAsyncDisposable
{
    private static readonly byte[] Content = [.. Enumerable.Range(0, 512).Select(i => (byte)i)];
    private readonly TempDirectory _directory = new("pull-slots");
    private readonly PendingTable _pending;
    private readonly MessageStore _messages;
    private readonly GatedSources _sources = new();
    private readonly Bytes32 _senderKey = Bytes32.Random();

    public PullWorkerSlotTests()
    {
        _pending = new PendingTable(PendingTableOptions.Small(_directory.File("pending")));
        // Not durable: the slots are under test, not the disk's syncs, which a loaded machine makes slow.
        _messages = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path, Durable = false });
    }

    [Fact]
    public async Task A_campaign_holds_half_the_slots_and_a_friends_pull_starts_and_is_stored_while_all_of_them_are_held()
    {
        var stored = new ConcurrentQueue<PullResult>();
        await using var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 16 }, stored);
        worker.Start();
        for (var i = 0; i < 2_000; i++)
        {
            Assert.True(worker.TryEnqueue(File("spam.example", out var hash), Reference(hash)));
        }

        await Eventually.AssertAsync(() => _sources.Started("spam.example") == 8);
        Assert.True(worker.TryEnqueue(File("friend.example", out var friendHash), Reference(friendHash)));
        _sources.Open("friend.example");

        // Stored with every campaign pull still waiting on its slow source: none was let go.
        await Eventually.AssertAsync(() => stored.Any(r => r.Outcome == PullOutcome.Stored));
        Assert.Equal((8, 0), (_sources.Started("spam.example"), _sources.Finished("spam.example")));

        // Let a hundred campaign pulls through: the campaign never holds more than its eight.
        _sources.Release("spam.example", 100);
        await Eventually.AssertAsync(() => stored.Count(r => r.Outcome == PullOutcome.Stored) == 101, TimeSpan.FromSeconds(60));
        await Eventually.AssertAsync(() => _sources.Started("spam.example") == 108);
        Assert.Equal(8, _sources.MostAtOnce("spam.example"));
    }

    [Fact]
    public async Task With_every_slot_open_to_one_domain_the_next_domain_takes_the_first_slot_a_campaign_pull_gives_back()
    {
        var stored = new ConcurrentQueue<PullResult>();
        await using var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 16, MaxConcurrentPerSenderDomain = 16 }, stored);
        worker.Start();
        for (var i = 0; i < 2_000; i++)
        {
            Assert.True(worker.TryEnqueue(File("spam.example", out var hash), Reference(hash)));
        }

        await Eventually.AssertAsync(() => _sources.Started("spam.example") == 16);
        Assert.True(worker.TryEnqueue(File("friend.example", out var friendHash), Reference(friendHash)));
        _sources.Open("friend.example");
        Assert.Equal(0, _sources.Started("friend.example"));

        _sources.Release("spam.example", 1);
        await Eventually.AssertAsync(() => stored.Count(r => r.Outcome == PullOutcome.Stored) == 2);
        Assert.Equal("friend.example", _sources.StartOrder.ElementAt(16));
    }

    [Fact]
    public async Task Pulls_past_a_domains_share_of_the_queue_are_refused_and_counted_as_deferred_and_another_domain_still_queues()
    {
        var stored = new ConcurrentQueue<PullResult>();
        await using var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 2, QueueCapacity = 100, MaxQueuedPerSenderDomain = 10 }, stored);
        worker.Start();
        var accepted = 0;
        for (var i = 0; i < 30; i++)
        {
            accepted += worker.TryEnqueue(File("spam.example", out var hash), Reference(hash)) ? 1 : 0;
        }

        // At most ten queued behind the one running (the campaign's share of two slots); every other one is deferred.
        Assert.InRange(accepted, 10, 11);
        Assert.Equal(30 - accepted, worker.Deferred);
        Assert.True(worker.TryEnqueue(File("friend.example", out var friendHash), Reference(friendHash)));
        Assert.Equal(30 - accepted, worker.Deferred);
    }

    [Fact]
    public async Task Pulls_begun_on_the_callers_thread_keep_to_the_domains_cap_and_every_slot_and_the_rest_queue_in_turn()
    {
        var stored = new ConcurrentQueue<PullResult>();
        await using var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 4, MaxConcurrentPerSenderDomain = 2 }, stored);
        worker.Start();
        var caller = Environment.CurrentManagedThreadId;
        for (var i = 0; i < 10; i++)
        {
            Assert.True(worker.TryBeginOrEnqueue(File("spam.example", out var hash), Reference(hash)));
        }

        // Two began before the calls returned, on the caller's thread; the other eight wait for the campaign's slots.
        Assert.Equal(2, _sources.Started("spam.example"));
        Assert.True(worker.TryBeginOrEnqueue(File("friend.example", out var friendHash), Reference(friendHash)));
        Assert.True(worker.TryBeginOrEnqueue(File("friend.example", out friendHash), Reference(friendHash)));
        Assert.Equal(2, _sources.Started("friend.example"));
        Assert.Equal(4, _sources.StartThreads.Count);
        Assert.All(_sources.StartThreads, thread => Assert.Equal(caller, thread));

        // Every slot is held: the next domain's pull queues, and takes the first slot given back before the campaign's next.
        Assert.True(worker.TryBeginOrEnqueue(File("other.example", out var otherHash), Reference(otherHash)));
        Assert.Equal((0, 4, 13), (_sources.Started("other.example"), _sources.AtOnceAll, worker.Outstanding));
        _sources.Open("other.example");
        _sources.Release("spam.example", 1);
        await Eventually.AssertAsync(() => stored.Any(r => r.Outcome == PullOutcome.Stored) && _sources.StartOrder.Count == 6);
        Assert.Equal("other.example", _sources.StartOrder.ElementAt(4));

        _sources.Open("spam.example");
        _sources.Open("friend.example");
        await Eventually.AssertAsync(() => stored.Count(r => r.Outcome == PullOutcome.Stored) == 13 && worker.Outstanding == 0, TimeSpan.FromSeconds(60));
        Assert.Equal(2, _sources.MostAtOnce("spam.example"));
    }

    [Fact]
    public async Task Before_start_a_pull_is_only_queued_and_disposal_waits_for_a_pull_begun_on_the_callers_thread()
    {
        var stored = new ConcurrentQueue<PullResult>();
        var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 4 }, stored);
        Assert.True(worker.TryBeginOrEnqueue(File("spam.example", out var hash), Reference(hash)));
        Assert.Equal(0, _sources.Started("spam.example"));

        worker.Start();
        await Eventually.AssertAsync(() => _sources.Started("spam.example") == 1);
        Assert.True(worker.TryBeginOrEnqueue(File("friend.example", out var friendHash), Reference(friendHash)));
        Assert.Equal(1, _sources.Started("friend.example"));

        // Disposal cancels both held fetches and returns once they have ended, the one begun by the caller included.
        await worker.DisposeAsync();
        Assert.Equal(0, _sources.AtOnceAll);
        Assert.Empty(stored);
        Assert.False(worker.TryBeginOrEnqueue(File("other.example", out var otherHash), Reference(otherHash)));
        Assert.Equal(0, _sources.Started("other.example"));
    }

    [Fact]
    public async Task The_immediate_queues_pump_begins_a_pull_on_its_own_thread_and_queues_one_that_would_pass_a_waiting_pull()
    {
        var stored = new ConcurrentQueue<PullResult>();
        await using var worker = Worker(new PullWorkerOptions { MaxConcurrentPulls = 2, MaxConcurrentPerSenderDomain = 2 }, stored);
        worker.Start();
        var queue = new ImmediatePullQueue(_pending, worker);
        queue.Start();
        for (var i = 0; i < 3; i++)
        {
            File("spam.example", out var hash);
            var reference = Reference(hash);
            Assert.True(queue.TryEnqueue(reference.Capability, hash, reference.Sequence));
        }

        // Two slots: two pulls begin on the pump's thread (not a pool worker's), the third waits in the queue.
        await Eventually.AssertAsync(() => _sources.Started("spam.example") == 2 && worker.Outstanding == 3);
        Assert.Equal(["tern-pull-pump", "tern-pull-pump"], _sources.StartThreadNames);
        _sources.Open("spam.example");
        await Eventually.AssertAsync(() => stored.Count == 3 && worker.Outstanding == 0);
        await queue.DisposeAsync();
        Assert.Equal((3, 0, 0), (queue.HandedOver, queue.Vanished, queue.Refused));
        Assert.All(stored, r => Assert.Equal(PullOutcome.Stored, r.Outcome));
    }

    public async ValueTask DisposeAsync()
    {
        _sources.OpenAll();
        await _pending.DisposeAsync();
        _messages.Dispose();
        _directory.Dispose();
    }

    private PullWorker Worker(PullWorkerOptions options, ConcurrentQueue<PullResult> results)
    {
        var worker = new PullWorker(_pending, _messages, new StaticDescriptorResolver(Descriptor("spam.example"), Descriptor("friend.example"), Descriptor("other.example")), _sources, options);
        worker.Completed += results.Enqueue;
        return worker;
    }

    private DomainDescriptor Descriptor(string domain) => new()
    {
        Domain = domain,
        SigningKey = Bytes32.Random(),
        AgreementKey = _senderKey,
        Protocols = ["tern/1"],
        Notify = ["udp://127.0.0.1:7400"],
        Fetch = [GatedSources.Scheme + domain],
        MaxTransitSeconds = 2_592_000,
        IssuedAt = DateTimeOffset.UtcNow.AddDays(-1),
        ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
    };

    /// <summary>Files a notification of <paramref name="domain"/> for a fresh recipient, as the ingest would.</summary>
    private RecipientHash File(string domain, out RecipientHash hash)
    {
        hash = RecipientHash.NewRandom();
        Assert.True(FetchHintList.TryCreate(FetchHintList.Encode([]), out var hints));
        var expiry = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        var record = new NotificationRecord(FetchCapability.NewRandom(), hash, expiry, Content.Length, PayloadTree.Hash(Content), 1, NotificationFlags.None,
            System.Text.Encoding.ASCII.GetBytes(domain), "message/tern"u8, hints);
        Span<byte> key = stackalloc byte[32];
        _senderKey.CopyTo(key);
        _pending.TryInsert(record, key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return hash;
    }

    private PendingReference Reference(RecipientHash hash) => Assert.Single(_pending.Poll(hash, 0, 10).References);

    /// <summary>Sources that hold each fetch of a domain until the test lets it go, counting fetches started, finished and at once.</summary>
    private sealed class GatedSources : IFetchSourceFactory
    {
        public const string Scheme = "gated://";
        private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

        /// <summary>The domain of each fetch started, in order.</summary>
        public ConcurrentQueue<string> StartOrder { get; } = new();

        /// <summary>The managed thread each fetch started on, in order.</summary>
        public ConcurrentQueue<int> StartThreads { get; } = new();

        /// <summary>The name of the thread each fetch started on ("pool" for a thread-pool worker), in order.</summary>
        public ConcurrentQueue<string> StartThreadNames { get; } = new();

        /// <summary>Fetches of every domain started and not yet ended.</summary>
        public int AtOnceAll => _gates.Values.Sum(g => g.AtOnce);

        public IFetchSource? Create(string uri) => uri.StartsWith(Scheme, StringComparison.Ordinal) ? new Source(uri, GateOf(uri[Scheme.Length..])) : null;

        public int Started(string domain) => GateOf(domain).Started;

        public int Finished(string domain) => GateOf(domain).Finished;

        public int MostAtOnce(string domain) => GateOf(domain).MostAtOnce;

        public void Release(string domain, int fetches) => GateOf(domain).Permits.Release(fetches);

        public void Open(string domain) => GateOf(domain).Permits.Release(100_000);

        public void OpenAll()
        {
            foreach (var gate in _gates.Values)
            {
                gate.Permits.Release(100_000);
            }
        }

        private Gate GateOf(string domain) => _gates.GetOrAdd(domain, d => new Gate(() =>
        {
            StartOrder.Enqueue(d);
            StartThreads.Enqueue(Environment.CurrentManagedThreadId);
            StartThreadNames.Enqueue(Thread.CurrentThread.IsThreadPoolThread ? "pool" : Thread.CurrentThread.Name ?? "unnamed");
        }));

        private sealed class Gate(Action onStart)
        {
            private int _started;
            private int _finished;
            private int _atOnce;
            private int _mostAtOnce;

            public SemaphoreSlim Permits { get; } = new(0);

            public int Started => Volatile.Read(ref _started);

            public int Finished => Volatile.Read(ref _finished);

            public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

            public int AtOnce => Volatile.Read(ref _atOnce);

            public async Task<FetchResponse> FetchAsync(Stream destination, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref _started);
                onStart();
                var now = Interlocked.Increment(ref _atOnce);
                int most;
                while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
                {
                }

                try
                {
                    await Permits.WaitAsync(cancellationToken).ConfigureAwait(false);
                    await destination.WriteAsync(Content, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _finished);
                    return new FetchResponse(MetaStatus.Ok, Content.Length, PayloadTree.Hash(Content), 0, Content.Length);
                }
                finally
                {
                    Interlocked.Decrement(ref _atOnce);
                }
            }
        }

        private sealed class Source(string address, Gate gate) : IFetchSource
        {
            public string Address => address;

            public Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
                => gate.FetchAsync(destination, cancellationToken);

            public Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
                => throw new NotSupportedException("one-chunk blobs need no proof");
        }
    }
}
