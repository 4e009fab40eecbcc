using System.Diagnostics;
using System.Globalization;
using Tern.CrashHarness;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Custody;

/// <summary>
/// The sender's Transferred state is journaled (docs/PROTOCOL.md §10.5): a child process submits blobs and records
/// their first destination's deliveries as transferred, printing each once durable; it is killed with SIGKILL, and the
/// store reopened must show every printed transfer — and nothing else transferred.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class TransferCrashTests : IDisposable
{
    private const int MinTransfersBeforeKill = 30;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new("transfer-crash");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Transfers_printed_before_SIGKILL_are_Transferred_after_reopen()
    {
        var (acked, transferred) = await RunAndKillAsync(firstSeed: 7_000_000, killDelayMs: 60);
        Assert.True(transferred.Count >= MinTransfersBeforeKill, $"only {transferred.Count} transfers before the kill");

        await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(_directory.Path));
        var transferredDeliveries = 0;
        foreach (var (seed, (messageId, capabilities)) in acked)
        {
            var recipients = CrashWorkload.Recipients(seed);
            for (var i = 0; i < recipients.Length; i++)
            {
                var delivery = store.GetDelivery(capabilities[i]);
                Assert.True(delivery is not null, $"seed {seed}: delivery {i} lost");
                if (delivery.Value.State == DeliveryState.Transferred)
                {
                    transferredDeliveries++;
                    Assert.Equal(recipients[0].Domain, delivery.Value.DestinationDomain);
                }
                else
                {
                    Assert.Equal(DeliveryState.Outstanding, delivery.Value.State);
                    Assert.False(transferred.Contains(seed) && recipients[i].Domain == recipients[0].Domain,
                        $"seed {seed}: delivery {i} to {recipients[i].Domain} was printed transferred but reopened {delivery.Value.State}");
                }
            }
        }

        // Every transferred delivery was journaled before its XFER line or in the moment before the kill: never more
        // deliveries than the acknowledged blobs' first destinations hold.
        Assert.True(transferredDeliveries >= transferred.Count);
        var ledger = store.ListDomainStats().Sum(row => row.Stats.Transferred);
        Assert.Equal(transferredDeliveries, ledger);
    }

    private async Task<(Dictionary<int, (MessageId, FetchCapability[])> Acked, HashSet<int> Transferred)> RunAndKillAsync(int firstSeed, int killDelayMs)
    {
        using var cts = new CancellationTokenSource(RoundTimeout);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltAssembly.Path("tests/Tern.CrashHarness", "Tern.CrashHarness.dll"));
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(firstSeed.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("8");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("transfer");

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        var acked = new Dictionary<int, (MessageId, FetchCapability[])>();
        var transferred = new HashSet<int>();
        Stopwatch? killAt = null;
        try
        {
            while (killAt is null || killAt.ElapsedMilliseconds < killDelayMs)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                    ?? throw new InvalidOperationException($"harness exited early: {await stderr}");
                Read(line, acked, transferred);
                if (transferred.Count >= MinTransfersBeforeKill && killAt is null)
                {
                    killAt = Stopwatch.StartNew();
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } rest)
        {
            Read(rest, acked, transferred);
        }

        return (acked, transferred);
    }

    private static void Read(string line, Dictionary<int, (MessageId, FetchCapability[])> acked, HashSet<int> transferred)
    {
        var parts = line.Split(' ');
        if (parts.Length < 3 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seed) || !MessageId.TryParse(parts[2], out var id))
        {
            return;
        }

        if (parts[0] == "ACK")
        {
            var capabilities = new FetchCapability[parts.Length - 3];
            for (var i = 0; i < capabilities.Length; i++)
            {
                Assert.True(FetchCapability.TryParse(parts[i + 3], out capabilities[i]));
            }

            acked[seed] = (id, capabilities);
        }
        else if (parts[0] == "XFER" && parts.Length == 4)
        {
            Assert.True(acked.TryGetValue(seed, out var ack) && ack.Item1 == id, $"XFER before ACK for seed {seed}");
            transferred.Add(seed);
        }
    }
}
