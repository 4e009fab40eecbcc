using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using static Tern.Engine.Tests.Pull.FairPullQueueReads;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// A pull taken at once (<see cref="FairPullQueue.TryTake"/>, begun on its caller's thread) holds a slot like one read:
/// it counts against its domain's cap and the slots of all, it never passes a pull queued before it, and a reader waits
/// while taken pulls hold every slot.
/// </summary>
public sealed class FairPullQueueTakeTests
{
    [Fact]
    public void A_taken_pull_counts_against_its_domains_cap_and_the_slots_of_all_until_finished()
    {
        using var queue = new FairPullQueue(capacity: 100, perDomain: 100, perDomainInFlight: 2, maxInFlight: 3);
        Assert.True(queue.TryTake("a.example"));
        Assert.True(queue.TryTake("a.example"));
        Assert.False(queue.TryTake("a.example"));
        Assert.True(queue.TryTake("b.example"));
        Assert.False(queue.TryTake("c.example"));
        Assert.Equal((2, 1, 3), (queue.InFlight("a.example"), queue.InFlight("b.example"), queue.InFlightTotal));

        queue.Finished("a.example");
        Assert.True(queue.TryTake("c.example"));
        Assert.Equal(3, queue.InFlightTotal);
    }

    [Fact]
    public async Task A_pull_is_not_taken_while_one_queued_before_it_could_be_read()
    {
        using var queue = new FairPullQueue(capacity: 100, perDomain: 100, perDomainInFlight: 1, maxInFlight: 4);
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("a.example")));
        Assert.False(queue.TryTake("b.example"));

        // Read, the queued pull no longer waits; its domain is at its cap, another is not.
        Assert.Equal("a.example", (await ReadNowAsync(queue))!.Value.Reference.SenderDomain);
        Assert.False(queue.TryTake("a.example"));
        Assert.True(queue.TryTake("b.example"));

        // A pull queued while its domain was at its cap may be read once its slot is given back: nothing passes it.
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("a.example")));
        Assert.True(queue.TryTake("c.example"));
        queue.Finished("a.example");
        Assert.False(queue.TryTake("c.example"));
        Assert.False(queue.TryTake("a.example"));
        Assert.Equal("a.example", (await ReadNowAsync(queue))!.Value.Reference.SenderDomain);
        Assert.True(queue.TryTake("d.example"));
        Assert.Equal(4, queue.InFlightTotal);
    }

    [Fact]
    public async Task A_reader_waits_while_taken_pulls_hold_every_slot_and_reads_once_one_is_finished()
    {
        using var queue = new FairPullQueue(capacity: 100, perDomain: 100, maxInFlight: 2);
        Assert.True(queue.TryTake("a.example"));
        Assert.True(queue.TryTake("a.example"));
        Assert.True(queue.TryWrite(RecipientHash.NewRandom(), Reference("b.example")));

        var read = queue.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(read.IsCompleted);
        queue.Finished("a.example");
        Assert.Equal("b.example", (await read.WaitAsync(TimeSpan.FromSeconds(10)))!.Value.Reference.SenderDomain);
        Assert.Equal(2, queue.InFlightTotal);
        Assert.Null(await ReadNowAsync(queue));
    }

    [Fact]
    public async Task Once_completed_nothing_is_taken_and_readers_leave()
    {
        using var queue = new FairPullQueue(capacity: 100, perDomain: 100, maxInFlight: 2);
        Assert.True(queue.TryTake("a.example"));
        queue.Complete();
        Assert.False(queue.TryTake("b.example"));
        Assert.Null(await queue.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await queue.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        queue.Finished("a.example");
        Assert.Equal(0, queue.InFlightTotal);
    }
}
