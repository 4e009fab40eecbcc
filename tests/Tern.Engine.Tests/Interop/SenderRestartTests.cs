using System.Globalization;

namespace Tern.Engine.Tests.Interop;

/// <summary>
/// DESIGN.md §5: a sender killed with SIGKILL resumes its retransmissions after restart, from where its last transit
/// checkpoint left them (docs/ARCHITECTURE.md §3.2, §4).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class SenderRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly string[] SenderOptions = ["--initial-ms", "100", "--max-ms", "400", "--tick-ms", "10", "--checkpoint-ms", "60000", "--peer-retry-ms", "100"];

    [Fact]
    public async Task Retransmission_resumes_with_the_next_attempt_after_the_sender_is_killed_and_restarted()
    {
        await using var b = await NodeProcess.StartAsync("b.example");
        await using var relay = new UdpRelay(b.Port, dropFirst: 0);
        using var directory = new TempDirectory("node");
        string capability, hash;
        int attemptCheckpointed;
        await using (var a = await NodeProcess.StartAsync("a.example", directory, SenderOptions))
        {
            await a.AddPeerAsync("b.example", b.AgreementKey, relay.Port);
            (_, capability, hash) = await a.SubmitAsync("b.example");
            await Eventually.AssertAsync(async () => await AttemptAsync(a, capability) >= 3, Patience);

            // A checkpoint covers at least this progress; retransmission goes on after it (one more attempt at least, so
            // the kill loses attempts the checkpoint does not cover); then kill without any shutdown.
            attemptCheckpointed = await AttemptAsync(a, capability);
            Assert.Equal("OK", await a.SendAsync("CHECKPOINT"));
            var afterCheckpoint = await AttemptAsync(a, capability);
            await Eventually.AssertAsync(async () => await AttemptAsync(a, capability) > afterCheckpoint, Patience);
            await a.KillAsync();
        }

        // b files what the relay passed on by itself, behind the sender on a loaded machine.
        await Eventually.AssertAsync(async () => (await b.PollAsync(hash)).ContainsKey(capability), Patience);
        var sentBeforeRestart = relay.Received;

        await using var restarted = await NodeProcess.StartAsync("a.example", directory, SenderOptions);
        var (state, recovered) = await DeliveryAsync(restarted, capability);
        Assert.Equal("Outstanding", state);

        // Attempts after the last checkpoint are repeated (ARCHITECTURE.md §3.2); the count never restarts from 1.
        Assert.True(recovered >= attemptCheckpointed, $"recovered attempt {recovered}, checkpointed {attemptCheckpointed}");

        // The restarted node learns its peer after start (an in-memory resolver): records wait for it without counting attempts.
        await restarted.AddPeerAsync("b.example", b.AgreementKey, relay.Port);
        await Eventually.AssertAsync(async () => await AttemptAsync(restarted, capability) >= recovered + 2, Patience);
        await Eventually.AssertAsync(() => relay.Received >= sentBeforeRestart + 2, Patience);
        Assert.True((await restarted.StatsAsync())["sent.retransmissions"] >= 2);
    }

    private static async Task<int> AttemptAsync(NodeProcess node, string capability) => (await DeliveryAsync(node, capability)).Attempt;

    private static async Task<(string State, int Attempt)> DeliveryAsync(NodeProcess node, string capability)
    {
        var parts = (await node.SendAsync("DELIVERY " + capability)).Split(' ');
        return (parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
