using System.Text;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>The bridge from the ingest's sink to the pull worker: by (capability, hash, sequence), skipping removed references.</summary>
public sealed class ImmediatePullQueueTests
{
    [Fact]
    public async Task Handed_references_are_pulled_and_removed_ones_are_skipped()
    {
        await using var p = await PullFixture.StartAsync();
        var hash = RecipientHash.NewRandom();
        var filed = new List<(PendingReference Reference, byte[] Content)>();
        for (var i = 0; i < 3; i++)
        {
            var content = FetchFixture.Bytes(2000 + i, 40 + i);
            var (cap, submitted) = await p.Sender.SubmitAsync(content, hash: hash);
            filed.Add((p.File(hash, cap, content.Length, submitted.PayloadHash, submitted.TransitExpiry, [p.FramedHint()], p.SenderKey), content));
        }

        // The middle one is fetched by a client before the pump reaches it.
        Assert.True(p.Pending.Remove(filed[1].Reference.Capability, PendingRemoval.Fetched));

        await using var worker = p.Worker();
        var results = new System.Collections.Concurrent.ConcurrentDictionary<FetchCapability, PullResult>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Completed += r =>
        {
            results[r.Capability] = r;
            if (results.Count == 2)
            {
                done.TrySetResult();
            }
        };
        worker.Start();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 8);
        queue.Start();

        foreach (var (reference, _) in filed)
        {
            Assert.True(queue.TryEnqueue(reference.Capability, hash, reference.Sequence));
        }

        Assert.False(queue.TryEnqueue(filed[0].Reference.Capability, hash, sequence: 0));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await queue.DisposeAsync();

        Assert.Equal(2, queue.HandedOver);
        Assert.Equal(1, queue.Vanished);
        Assert.Equal(PullOutcome.Stored, results[filed[0].Reference.Capability].Outcome);
        Assert.Equal(PullOutcome.Stored, results[filed[2].Reference.Capability].Outcome);
        Assert.False(results.ContainsKey(filed[1].Reference.Capability));
        Assert.Equal(filed[2].Content, p.Stored(hash, filed[2].Reference.Capability));
        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task Stopping_as_the_host_does_hands_every_reference_over_and_its_pull_stays_outstanding_until_stored()
    {
        await using var p = await PullFixture.StartAsync();
        await using var journal = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory, Durable = true });
        var hash = RecipientHash.NewRandom();
        var filed = new List<(PendingReference Reference, byte[] Content)>();
        for (var i = 0; i < 6; i++)
        {
            var content = FetchFixture.Bytes(1000 + i, 60 + i);
            var (cap, submitted) = await p.Sender.SubmitAsync(content, hash: hash);
            filed.Add((p.File(hash, cap, content.Length, submitted.PayloadHash, submitted.TransitExpiry, [p.FramedHint()], p.SenderKey), content));
        }

        // Two slots: the first pulls begin on the pump's thread, the rest queue for the workers.
        await using var worker = p.Worker(options: new PullWorkerOptions { MaxConcurrentPulls = 2 }, journal: journal);
        var results = new System.Collections.Concurrent.ConcurrentQueue<PullResult>();
        worker.Completed += results.Enqueue;
        worker.Start();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 8);
        queue.Start();
        foreach (var (reference, _) in filed)
        {
            Assert.True(queue.TryEnqueue(reference.Capability, hash, reference.Sequence));
        }

        // The stop's order (PullStage): the queue hands over what it holds, then the worker's outstanding pulls drain.
        await queue.DisposeAsync();
        Assert.Equal(6, queue.HandedOver);
        Assert.False(queue.TryEnqueue(filed[0].Reference.Capability, hash, filed[0].Reference.Sequence));
        await Eventually.AssertAsync(() => worker.Outstanding == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(6, results.Count(r => r.Outcome == PullOutcome.Stored));
        foreach (var (reference, content) in filed)
        {
            Assert.Equal(content, p.Stored(hash, reference.Capability));
            Assert.False(journal.IsOpen(reference.Capability));
        }

        Assert.Empty(p.Pending.Poll(hash, 0, 10).References);
    }

    [Fact]
    public async Task A_pull_the_pump_begins_carries_its_annotation_in_its_journal_record_and_every_other_annotation_is_released()
    {
        await using var p = await PullFixture.StartAsync();
        await using var journal = PullJournal.Open(new PullJournalOptions { DataDirectory = p.Directory, Durable = true });
        var hash = RecipientHash.NewRandom();
        var filed = new List<PendingReference>();
        for (var i = 0; i < 3; i++)
        {
            var content = FetchFixture.Bytes(3000 + i, 50 + i);
            var (cap, submitted) = await p.Sender.SubmitAsync(content, hash: hash);
            filed.Add(p.File(hash, cap, content.Length, submitted.PayloadHash, submitted.TransitExpiry, [p.FramedHint()], p.SenderKey));
        }

        // The last is gone before the pump reaches it; one slot, so the second queues unless the first is done by then.
        Assert.True(p.Pending.Remove(filed[2].Capability, PendingRemoval.Fetched));
        await using var worker = p.Worker(options: new PullWorkerOptions { MaxConcurrentPulls = 1 }, journal: journal);
        worker.Start();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 8);
        var annotations = filed.Select((_, i) => new PullAnnotation { Line = Encoding.UTF8.GetBytes($"line {i}\n") }).ToArray();
        for (var i = 0; i < filed.Count; i++)
        {
            Assert.True(queue.TryEnqueue(filed[i].Capability, hash, filed[i].Sequence, annotations[i]));
        }

        queue.Start();
        await queue.DisposeAsync();
        await Eventually.AssertAsync(() => worker.Outstanding == 0, TimeSpan.FromSeconds(30));

        // Every annotation is answered (its maker's log waits on it): carried by the record of a pull begun at once, or
        // released to be written the maker's own way.
        await Task.WhenAll(annotations.Select(a => a.Carried.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(annotations[0].Carried.IsCompletedSuccessfully);
        Assert.True(annotations[1].Carried.IsCompletedSuccessfully || annotations[1].Carried.IsCanceled);
        Assert.True(annotations[2].Carried.IsCanceled);
        var file = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(p.Directory, PullJournalOptions.FileName)));
        Assert.Contains("line 0", file, StringComparison.Ordinal);
        Assert.Equal(annotations[1].Carried.IsCompletedSuccessfully, file.Contains("line 1", StringComparison.Ordinal));
        Assert.DoesNotContain("line 2", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_journal_the_pump_releases_the_annotation_and_the_pull_goes_on()
    {
        await using var p = await PullFixture.StartAsync();
        var hash = RecipientHash.NewRandom();
        var content = FetchFixture.Bytes(4000, 70);
        var (cap, submitted) = await p.Sender.SubmitAsync(content, hash: hash);
        var reference = p.File(hash, cap, content.Length, submitted.PayloadHash, submitted.TransitExpiry, [p.FramedHint()], p.SenderKey);
        await using var worker = p.Worker();
        worker.Start();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 8);
        var annotation = new PullAnnotation { Line = "line\n"u8.ToArray() };
        Assert.True(queue.TryEnqueue(cap, hash, reference.Sequence, annotation));
        queue.Start();
        await queue.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => annotation.Carried.WaitAsync(TimeSpan.FromSeconds(30)));
        await Eventually.AssertAsync(() => worker.Outstanding == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(content, p.Stored(hash, cap));
    }

    [Fact]
    public async Task A_queue_disposed_without_being_started_releases_the_annotations_it_held()
    {
        await using var p = await PullFixture.StartAsync();
        await using var worker = p.Worker();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 2);
        var annotation = new PullAnnotation { Line = "line\n"u8.ToArray() };
        Assert.True(queue.TryEnqueue(FetchCapability.NewRandom(), RecipientHash.NewRandom(), 1, annotation));
        await queue.DisposeAsync();
        Assert.True(annotation.Carried.IsCanceled);
    }

    [Fact]
    public async Task A_full_queue_refuses_without_blocking()
    {
        await using var p = await PullFixture.StartAsync();
        await using var worker = p.Worker();
        var queue = new ImmediatePullQueue(p.Pending, worker, capacity: 2);

        // Not started: nothing drains, so the third offer is refused at once (the reference stays pending).
        Assert.True(queue.TryEnqueue(FetchCapability.NewRandom(), RecipientHash.NewRandom(), 1));
        Assert.True(queue.TryEnqueue(FetchCapability.NewRandom(), RecipientHash.NewRandom(), 2));
        Assert.False(queue.TryEnqueue(FetchCapability.NewRandom(), RecipientHash.NewRandom(), 3));
        queue.Start();
        await queue.DisposeAsync();
        Assert.Equal(2, queue.Vanished);
    }
}
