using Microsoft.Extensions.DependencyInjection;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Node.Tests;

/// <summary>
/// The pending table's upkeep while the node runs: periodic checkpoints (a <c>kill -9</c> then loses only what came
/// after the last one, where before only a graceful stop checkpointed) and the expiry sweep (references past their
/// transit expiry leave the table and are counted), the latter on a virtual clock.
/// </summary>
public sealed class PendingMaintenanceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestDomain _a = new("a.example");
    private readonly TestDomain _b = new("b.example");

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    [Trait(TestCategory.Trait, TestCategory.Process)]
    public async Task After_a_periodic_checkpoint_a_node_killed_with_sigkill_recovers_every_reference_it_had_filed()
    {
        var hash = RecipientHash.NewRandom();
        var capabilities = new List<FetchCapability>();
        _b.WritePeers((_a, "udp://127.0.0.1:9"));
        using (var b = NodeProcess.Start(_b.DataDirectory, _b.Switches(
            ("Tern:Node:PullPreference", "WhenRequested"),
            ("Tern:PendingMaintenance:CheckpointInterval", "00:00:00.300"),
            ("Tern:PendingMaintenance:FullCheckpointEvery", "3"))))
        {
            var ports = await b.WaitReadyAsync();
            _a.WritePeers((_b, $"udp://{ports.Notify}"));
            await using (var a = await InProcessNode.StartAsync(_a.Settings()))
            {
                for (var i = 0; i < 5; i++)
                {
                    var submitted = await a.Node.Store.SubmitAsync(Request(hash), new MemoryStream(new byte[1000 + i]));
                    a.Node.Scheduler.Schedule(submitted);
                    capabilities.Add(submitted.Capabilities[0]);
                }

                // Filed and checkpointed by a periodic checkpoint (the node logs each with the table's count).
                Assert.True(await Eventually.TrueAsync(() => b.Output.Contains("Pending table checkpoint of 5 references", StringComparison.Ordinal), Patience), b.Output);
            }

            // The sender is gone: nothing can come back by retransmission. No graceful stop either.
            b.KillHard();
            Assert.True(await b.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }

        await using var restarted = await InProcessNode.StartAsync(_b.Settings(("Tern:Node:PullPreference", "WhenRequested")));
        var recovered = restarted.Node.Pending.Poll(hash, 0, 100).References;
        Assert.Equal(capabilities.Select(c => c.ToString()).Order(StringComparer.Ordinal), recovered.Select(r => r.Capability.ToString()).Order(StringComparer.Ordinal));
        Assert.All(recovered, r => Assert.Equal("a.example", r.SenderDomain));
        Assert.Equal(5, restarted.Node.Pending.Count);
    }

    [Fact]
    public async Task The_sweep_removes_references_past_their_transit_expiry_on_the_tables_clock_and_counts_them()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var hash = RecipientHash.NewRandom();
        await using var b = InProcessNode.Create(_b.Settings(
            ("Tern:Node:PullPreference", "WhenRequested"),
            ("Tern:PendingMaintenance:SweepInterval", "00:00:00.100")));
        b.Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PendingTableOptions>>().Value.TimeProvider = clock;
        await b.StartAsync();
        _b.WritePeers((_a, "udp://127.0.0.1:9"));
        _a.WritePeers((_b, $"udp://{b.Node.NotifyEndPoint}"));
        await using var a = await InProcessNode.StartAsync(_a.Settings());

        // One reference that expires in 10 minutes, one in 10 days.
        var soon = await SubmitAsync(a, hash, TimeSpan.FromMinutes(10));
        var later = await SubmitAsync(a, hash, TimeSpan.FromDays(10));
        await Eventually.AssertAsync(() => b.Node.Pending.Count == 2, Patience);
        var sweeps = b.Node.PendingMaintenance.Sweeps;
        await Eventually.AssertAsync(() => b.Node.PendingMaintenance.Sweeps > sweeps + 1, Patience);
        Assert.Equal(0, b.Node.PendingMaintenance.Expired);

        // Eleven minutes later on the table's clock: the next sweep removes the first, counts it, and leaves the second.
        clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually.AssertAsync(() => b.Node.PendingMaintenance.Expired == 1, Patience);
        Assert.Equal(1, b.Node.Pending.Count);
        Assert.Equal([later], b.Node.Pending.Poll(hash, 0, 100).References.Select(r => r.Capability).ToArray());
        Assert.NotEqual(soon, later);
    }

    private static async Task<FetchCapability> SubmitAsync(InProcessNode a, RecipientHash hash, TimeSpan expiry)
    {
        var request = Request(hash);
        request = new SubmissionRequest
        {
            Account = request.Account,
            Recipients = request.Recipients,
            TransitExpiry = DateTimeOffset.UtcNow + expiry,
            MimeHint = request.MimeHint,
        };
        var submitted = await a.Node.Store.SubmitAsync(request, new MemoryStream(new byte[1000]));
        a.Node.Scheduler.Schedule(submitted);
        return submitted.Capabilities[0];
    }

    private static SubmissionRequest Request(RecipientHash hash) => new()
    {
        Account = "alice",
        Recipients = [new TransitRecipient("b.example", hash)],
        TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
        MimeHint = "application/octet-stream",
    };
}
