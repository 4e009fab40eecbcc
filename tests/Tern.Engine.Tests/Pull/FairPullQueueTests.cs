using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

public sealed class FairPullQueueTests
{
    [Fact]
    public async Task A_domains_one_pull_is_served_after_one_of_a_campaign_queued_before_it_not_after_all_of_it()
    {
        using var queue = new FairPullQueue(capacity: 10_000, perDomain: 5_000);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("spam.example")));
        }

        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("friend.example")));

        var first = await queue.ReadAsync(CancellationToken.None);
        var second = await queue.ReadAsync(CancellationToken.None);
        Assert.Equal(("spam.example", "friend.example"), (first!.Value.Reference.SenderDomain, second!.Value.Reference.SenderDomain));
        Assert.Equal(999, queue.Count);
    }

    [Fact]
    public async Task Domains_take_turns_and_each_domains_pulls_keep_their_order()
    {
        using var queue = new FairPullQueue(capacity: 100, perDomain: 100);
        var written = new List<PendingReference>();
        foreach (var domain in new[] { "a.example", "a.example", "a.example", "b.example", "c.example", "c.example" })
        {
            var reference = Reference(domain);
            written.Add(reference);
            Assert.True(queue.TryWrite(RecipientHash.NewRandom(), reference));
        }

        var read = new List<PendingReference>();
        for (var i = 0; i < written.Count; i++)
        {
            read.Add((await queue.ReadAsync(CancellationToken.None))!.Value.Reference);
        }

        Assert.Equal(["a.example", "b.example", "c.example", "a.example", "c.example", "a.example"], read.Select(r => r.SenderDomain));
        Assert.Equal(written.Where(r => r.SenderDomain == "a.example"), read.Where(r => r.SenderDomain == "a.example"));
        Assert.Equal(written.Where(r => r.SenderDomain == "c.example"), read.Where(r => r.SenderDomain == "c.example"));
    }

    [Fact]
    public void One_domain_cannot_fill_the_queue_and_the_whole_is_bounded()
    {
        using var queue = new FairPullQueue(capacity: 5, perDomain: 3);
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => queue.TryWrite(RecipientHash.NewRandom(), Reference("spam.example"))));
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("friend.example")));
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("other.example")));
        Assert.False(queue.TryWrite(RecipientHash.NewRandom(), Reference("third.example")));
        Assert.Equal(5, queue.Count);
    }

    [Fact]
    public async Task A_waiting_reader_gets_the_next_write_and_after_completion_readers_drain_then_get_nothing()
    {
        using var queue = new FairPullQueue(capacity: 10, perDomain: 10);
        var waiting = queue.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        var reference = Reference("a.example");
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), reference));
        Assert.Same(reference, (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))!.Value.Reference);

        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("b.example")));
        queue.Complete();
        Assert.False(queue.TryWrite(RecipientHash.NewRandom(), Reference("c.example")));
        Assert.Equal("b.example", (await queue.ReadAsync(CancellationToken.None))!.Value.Reference.SenderDomain);
        var readers = Enumerable.Range(0, 4).Select(_ => queue.ReadAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.All(await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10)), Assert.Null);
    }

    [Fact]
    public async Task A_cancelled_reader_stops_waiting()
    {
        using var queue = new FairPullQueue(capacity: 10, perDomain: 10);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.ReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static PendingReference Reference(string senderDomain) =>
        new(FetchCapability.NewRandom(), senderDomain, default, 0, 1, default, "", [], 0, 1, 0, default);
}
