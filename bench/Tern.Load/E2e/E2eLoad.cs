using System.Diagnostics;
using System.Globalization;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;

namespace Tern.Load.E2e;

/// <summary>
/// End-to-end latency (DESIGN.md §4: submit → notify → pull immediately → stored, loopback, p50 &lt; 5 ms), beside its
/// floor in the same process. a.example and b.example run on loopback; bob at b.example pulls a.example immediately.
/// Messages go one at a time (the next is submitted once the previous is stored): each is timed from the start of the
/// submit call to <see cref="PullWorker.Completed"/> reporting it durably stored in b.example's message store. Tern and
/// the <see cref="FloorPipeline"/> alternate in blocks, so both see the same drift of a shared machine.
/// </summary>
internal static class E2eLoad
{
    private const int Warmup = 200;
    private const int Block = 250;

    public static async Task RunAsync(string directory, int count, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Directory.CreateDirectory(directory);
        var stages = new StageClock();
        await using var sender = await E2eSender.StartAsync(Path.Combine(directory, E2eSender.Domain), stages);
        // a.example only sends in this run: its descriptor lists no notification port, and its framed door to fetch from.
        var descriptors = new StaticDescriptorResolver(DomainDescriptor.For(sender.Keys, [], [sender.FramedUri], TimeSpan.FromDays(7)));
        await using var recipient = await E2eRecipient.StartAsync(Path.Combine(directory, E2eRecipient.Domain), descriptors, stages);
        sender.Peers.Set(new NotificationPeer(E2eRecipient.Domain, new Bytes32(recipient.Keys.AgreementPublicKey), recipient.NotifyEndPoint));
        var bob = RecipientHash.NewRandom();
        recipient.Preferences.Set(bob, E2eSender.Domain, PullPreference.Immediately);
        using var floor = new FloorPipeline(Path.Combine(directory, "floor"), size);

        var run = new TernRun(sender, recipient, stages, bob, size);
        var tern = new StageSamples(count);
        var baseline = new StageSamples(count);
        for (var i = 0; i < Warmup; i++)
        {
            await run.SendOneAsync(null);
            floor.RunOne();
        }

        for (var done = 0; done < count; done += Block)
        {
            var n = Math.Min(Block, count - done);
            for (var i = 0; i < n; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var (submitted, notified, fetched, stored, _) = floor.RunOne();
                baseline.Add(start, submitted, submitted, notified, fetched, stored); // the datagram leaves inline
            }

            for (var i = 0; i < n; i++)
            {
                await run.SendOneAsync(tern);
            }
        }

        await run.VerifyAsync(Warmup + count);
        var ternTotal = tern.Total();
        var floorTotal = baseline.Total();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"RESULT {ternTotal.Format()} count={ternTotal.Count}"));
        Console.WriteLine($"STAGES {tern.FormatStages()}");
        Console.WriteLine($"SLOWEST {tern.FormatSlowest(5)}");
        Console.WriteLine(string.Create(inv, $"BASELINE {floorTotal.Format()} count={floorTotal.Count}"));
        Console.WriteLine($"BASELINE_STAGES {baseline.FormatStages()}");
        Console.WriteLine(string.Create(inv, $"RATIO p50={ternTotal[50] / floorTotal[50]:F2} p90={ternTotal[90] / floorTotal[90]:F2} p99={ternTotal[99] / floorTotal[99]:F2}"));
    }
}
