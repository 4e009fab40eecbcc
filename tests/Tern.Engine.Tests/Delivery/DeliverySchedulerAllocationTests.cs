using System.Net;
using Tern.Engine.Delivery;

namespace Tern.Engine.Tests.Delivery;

/// <summary>The steady send path (a round of retransmissions) allocates nothing per datagram.</summary>
public sealed class DeliverySchedulerAllocationTests
{
    [Fact]
    public async Task A_retransmission_round_allocates_nothing()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var transport = new CountingTransport();
        using var scheduler = f.Scheduler(o => o.MaxRetransmitInterval = TimeSpan.FromSeconds(2), transport);
        for (var i = 0; i < 100; i++)
        {
            scheduler.Schedule(await f.SubmitAsync(null, i % 2 == 0 ? "b.example" : "c.example"));
        }

        // Warm up: first transmissions and one retransmission grow the wheel, lists and sets to their working size.
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));

        var before = GC.GetAllocatedBytesForCurrentThread();
        scheduler.RunRound(f.NowMs);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(300, scheduler.Counters.RecordsSent);
        Assert.True(transport.Datagrams > 2);
        Assert.Equal(0, allocated);
    }

    private sealed class CountingTransport : IDatagramTransport
    {
        public int Datagrams { get; private set; }

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => Datagrams++;

        public void Flush()
        {
        }
    }
}
