using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using static Tern.Engine.Tests.Pull.FairPullQueueReads;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// The per-sender-domain cap on pulls out at once (<see cref="PullWorkerOptions.MaxConcurrentPerSenderDomain"/>): a
/// domain never holds more, a domain at its cap leaves the other readers to the next domain, and below the caps no reader
/// waits while a pull it may take is queued.
/// </summary>
public sealed class FairPullQueueSlotTests
{
    [Fact]
    public async Task A_lone_domain_takes_its_cap_of_slots_and_one_more_only_when_one_is_finished()
    {
        using var queue = new FairPullQueue(capacity: 10_000, perDomain: 5_000, perDomainInFlight: 8);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("spam.example")));
        }

        for (var i = 0; i < 8; i++)
        {
            Assert.NotNull(await ReadNowAsync(queue));
        }

        Assert.Null(await ReadNowAsync(queue));
        Assert.Equal(8, queue.InFlight("spam.example"));

        queue.Finished("spam.example");
        Assert.NotNull(await ReadNowAsync(queue));
        Assert.Null(await ReadNowAsync(queue));
        Assert.Equal((8, 91), (queue.InFlight("spam.example"), queue.Count));
    }

    [Fact]
    public async Task A_domain_at_its_cap_with_thousands_queued_does_not_hold_up_the_next_domains_pull()
    {
        using var queue = new FairPullQueue(capacity: 10_000, perDomain: 5_000, perDomainInFlight: 8);
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("spam.example")));
        }

        // Sixteen workers wait; the campaign takes eight of them.
        var readers = Enumerable.Range(0, 16).Select(_ => queue.ReadAsync(CancellationToken.None).AsTask()).ToList();
        var out8 = readers.Where(r => r.IsCompleted).ToList();
        Assert.Equal(8, out8.Count);
        foreach (var taken in out8)
        {
            Assert.Equal("spam.example", (await taken)!.Value.Reference.SenderDomain);
        }

        // The friend's pull goes to a waiting reader at once: no campaign pull has to finish first.
        var waiting = readers.Except(out8).ToList();
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("friend.example")));
        var friend = await (await Task.WhenAny(waiting).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("friend.example", friend!.Value.Reference.SenderDomain);
        Assert.Equal(7, waiting.Count(r => !r.IsCompleted));
        queue.Complete();
    }

    [Fact]
    public async Task With_a_cap_of_every_slot_the_next_domain_goes_before_the_campaign_whose_pull_ended()
    {
        using var queue = new FairPullQueue(capacity: 10_000, perDomain: 5_000, perDomainInFlight: 16);
        for (var i = 0; i < 3_000; i++)
        {
            Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("spam.example")));
        }

        for (var i = 0; i < 16; i++)
        {
            Assert.NotNull(await ReadNowAsync(queue));
        }

        // A worker whose campaign pull ends takes the friend's next: the campaign, at its cap, has no turn to take first.
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("friend.example")));
        queue.Finished("spam.example");
        Assert.Equal("friend.example", (await ReadNowAsync(queue))!.Value.Reference.SenderDomain);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(8, 42)]
    public async Task The_cap_is_never_exceeded_every_pull_is_handed_out_once_and_no_pull_waits_while_its_domain_has_a_slot(int cap, int seed)
    {
        var random = new Random(seed);
        string[] domains = ["spam.example", "spam.example", "spam.example", "a.example", "b.example", "c.example"];
        using var queue = new FairPullQueue(capacity: 10_000, perDomain: 5_000, perDomainInFlight: cap);
        var queued = new Dictionary<string, int>();
        var outNow = new List<PendingReference>();
        var handedOut = new HashSet<FetchCapability>();
        var written = 0;
        for (var step = 0; step < 3_000; step++)
        {
            var action = random.Next(3);
            if (action == 0 || written < 10)
            {
                var reference = Reference(domains[random.Next(domains.Length)]);
                Assert.True(queue.TryWrite(RecipientHash.NewRandom(), reference));
                queued[reference.SenderDomain] = queued.GetValueOrDefault(reference.SenderDomain) + 1;
                written++;
            }
            else if (action == 1 && outNow.Count > 0)
            {
                var done = outNow[random.Next(outNow.Count)];
                outNow.Remove(done);
                queue.Finished(done.SenderDomain);
            }
            else if (await ReadNowAsync(queue) is var (_, reference))
            {
                Assert.True(handedOut.Add(reference.Capability));
                queued[reference.SenderDomain]--;
                outNow.Add(reference);
                Assert.True(outNow.Count(r => r.SenderDomain == reference.SenderDomain) <= cap);
            }
            else
            {
                // Nothing handed out: every domain with a pull queued is at its cap.
                Assert.All(queued.Where(q => q.Value > 0), q => Assert.Equal(cap, outNow.Count(r => r.SenderDomain == q.Key)));
            }
        }

        foreach (var reference in outNow)
        {
            queue.Finished(reference.SenderDomain);
        }

        while (await ReadNowAsync(queue) is var (_, reference))
        {
            Assert.True(handedOut.Add(reference.Capability));
            queue.Finished(reference.SenderDomain);
        }

        Assert.Equal(written, handedOut.Count);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Finishing_a_pull_that_is_not_out_is_refused()
    {
        using var queue = new FairPullQueue(capacity: 10, perDomain: 10, perDomainInFlight: 2);
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("a.example")));
        Assert.Throws<InvalidOperationException>(() => queue.Finished("a.example"));
        Assert.Throws<InvalidOperationException>(() => queue.Finished("b.example"));
    }
}
