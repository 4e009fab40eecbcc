using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Node.Tests;

/// <summary>
/// Issue 18, bug 2 (perf-reports/killload-notes.md, "2."), reproduced deterministically: the sender counts a delivery
/// fetched once it has written every byte (docs/PROTOCOL.md §9) and stops notifying; the recipient, a <c>tern run</c>
/// process whose pending table took no checkpoint since the reference was filed, is SIGKILLed before the last bytes reach
/// it, so before its message store's commit. A proxy in the fetch path reads the whole blob from the sender and passes
/// on only its first half. The restarted recipient must still store the message and list it: its journal of pulls begun
/// files the reference again and resumes the pull, which the sender serves through its fetched grace.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class PullCutAfterLastByteTests : IDisposable
{
    private const int BlobSize = 1024 * 1024;
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(20);
    private readonly TestDomain _a = new("a.example");
    private readonly TestDomain _b = new("b.example");

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Sigkill_of_the_recipient_after_the_sender_counted_its_pull_fetched_and_before_the_commit_loses_no_message()
    {
        await using var proxy = new ThrottledProxy(64 * 1024 * 1024) { HoldAfter = BlobSize / 2 };
        _a.WritePeers();
        await using var a = await InProcessNode.StartAsync(_a.Settings(("Tern:Node:FetchHints:0", $"tern+tcp://{proxy.EndPoint}")));
        proxy.Target = a.Node.FramedEndPoint;
        _b.WritePeers((_a, "udp://127.0.0.1:9"));

        // No periodic checkpoint of b's pending table: the reference lives only in memory when b dies.
        var noCheckpoint = ("Tern:PendingMaintenance:CheckpointInterval", (string?)"00:00:00");
        var messages = new MessageStore(new MessageStoreOptions { DataDirectory = _b.DataDirectory });
        var content = new byte[BlobSize];
        Random.Shared.NextBytes(content);
        var hash = RecipientHash.NewRandom();
        FetchCapability capability;
        using (var first = NodeProcess.Start(_b.DataDirectory, _b.Switches(noCheckpoint)))
        {
            var ports = await first.WaitReadyAsync();
            _a.WritePeers((_b, $"udp://{ports.Notify}"));
            await Eventually.AssertAsync(() => a.Node.Scheduler is not null);
            var submitted = await a.Node.Store.SubmitAsync(Request(hash), new MemoryStream(content));
            a.Node.Scheduler.Schedule(submitted);
            capability = submitted.Capabilities[0];

            // Every byte written to the fetch connection: fetched at a.example, which stops notifying. Half never reached b.
            Assert.True(
                await Eventually.TrueAsync(() => a.Node.Store.GetDelivery(capability)!.Value.State == DeliveryState.Fetched, TimeSpan.FromSeconds(30)),
                $"not fetched: {proxy.Forwarded} passed, {proxy.Held} held\n{first.Output}\n{a.Dump()}");
            Assert.True(proxy.Held > 0, $"{proxy.Held} bytes held back");
            first.KillHard();
        }

        Assert.False(messages.Contains(hash, capability), "b stored the message before it was killed: nothing was cut");
        proxy.HoldAfter = null;

        using (var second = NodeProcess.Start(_b.DataDirectory, _b.Switches(noCheckpoint)))
        {
            var ports = await second.WaitReadyAsync();
            _a.WritePeers((_b, $"udp://{ports.Notify}"));
            Assert.True(await Eventually.TrueAsync(() => messages.Contains(hash, capability), TimeSpan.FromSeconds(30)), $"not stored after the restart\n{second.Output}");
            Assert.Contains(messages.List(hash), m => m.Capability == capability && m.Size == BlobSize);
            Assert.Contains("1 pulls the last run began and did not end: 1 filed again, 0 found stored, 1 queued to be pulled", second.Output, StringComparison.Ordinal);
            await using (var stored = messages.OpenRead(hash, capability))
            {
                var received = new byte[BlobSize];
                await stored.ReadExactlyAsync(received);
                Assert.Equal(content, received);
            }

            await second.StopAsync(StopBound);
        }

        // The pull ended: a third start has nothing to resume.
        using (var third = NodeProcess.Start(_b.DataDirectory, _b.Switches(noCheckpoint)))
        {
            await third.WaitReadyAsync();
            third.Terminate();
            Assert.True(await third.WaitForExitAsync(StopBound), third.Output);
            Assert.DoesNotContain("pulls the last run began and did not end", third.Output, StringComparison.Ordinal);
        }
    }

    private static SubmissionRequest Request(RecipientHash hash) => new()
    {
        Account = "alice",
        Recipients = [new TransitRecipient("b.example", hash)],
        TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
        MimeHint = "application/octet-stream",
    };
}
