using System.Diagnostics;
using System.Globalization;
using Tern.CrashHarness;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// kill -9 under load loses no acknowledged submission (DESIGN.md §5): a child process submits and acknowledges blobs,
/// is killed with SIGKILL at several moments, and each time the store reopened in-process must hold every blob it
/// acknowledged, byte for byte, with its deliveries pending for the right recipients. Each runs with both logs written
/// <see cref="TransitLogWrites.Direct"/> (a write, an fsync and a slot a commit) and
/// <see cref="TransitLogWrites.DataSync"/> (fast commit: the commit record in the log, the default).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class TransitCrashTests : IDisposable
{
    private const int MinAcksBeforeKill = 40;
    private const int Workers = 16;
    // Only a hang ends a round here: a harness starting on a machine busy with the other test assemblies has taken over 20 s.
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(TransitLogWrites.Direct)]
    [InlineData(TransitLogWrites.DataSync)]
    public async Task Acknowledged_submissions_survive_SIGKILL_at_any_moment(TransitLogWrites writes)
    {
        // Fixed delays after the minimum number of acknowledgements: different points in the commit and checkpoint cycles.
        int[] killDelaysMs = [0, 23, 90, 260, 410];
        var acknowledged = new Dictionary<int, Ack>();
        for (var round = 0; round < killDelaysMs.Length; round++)
        {
            foreach (var ack in await RunAndKillAsync((round + 1) * 1_000_000, killDelaysMs[round], largeWorkers: 0, minLargeAcks: 0, writes))
            {
                acknowledged.Add(ack.Seed, ack);
            }

            Assert.True(acknowledged.Count >= (round + 1) * MinAcksBeforeKill);
            await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(_directory.Path, writes));
            foreach (var ack in acknowledged.Values)
            {
                await AssertIntactAsync(store, ack);
            }
        }
    }

    [Theory]
    [InlineData(TransitLogWrites.Direct)]
    [InlineData(TransitLogWrites.DataSync)]
    public async Task Acknowledged_large_blobs_survive_SIGKILL_byte_for_byte(TransitLogWrites writes)
    {
        // Large blobs span dozens of pages and several segments of the page-cache device; the kill lands while others
        // are streaming, so the reopened logs also hold uncommitted pages past their commit points.
        int[] killDelaysMs = [0, 140];
        var acknowledged = new Dictionary<int, Ack>();
        for (var round = 0; round < killDelaysMs.Length; round++)
        {
            foreach (var ack in await RunAndKillAsync((round + 11) * 1_000_000, killDelaysMs[round], largeWorkers: 2, minLargeAcks: 2, writes))
            {
                acknowledged.Add(ack.Seed, ack);
            }

            Assert.True(acknowledged.Keys.Count(seed => seed < 0) >= (round + 1) * 2);
            await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(_directory.Path, writes));
            foreach (var ack in acknowledged.Values)
            {
                await AssertIntactAsync(store, ack);
            }
        }
    }

    [Theory]
    [InlineData(TransitLogWrites.Direct)]
    [InlineData(TransitLogWrites.DataSync)]
    public async Task Acknowledged_batches_survive_SIGKILL_at_any_moment(TransitLogWrites writes)
    {
        // Batch workers submit eight blobs at a time through SubmitManyAsync (one chunk or several), beside single submits.
        int[] killDelaysMs = [0, 45, 170];
        var acknowledged = new Dictionary<int, Ack>();
        for (var round = 0; round < killDelaysMs.Length; round++)
        {
            foreach (var ack in await RunAndKillAsync((round + 21) * 1_000_000, killDelaysMs[round], largeWorkers: 0, minLargeAcks: 0, writes, batchWorkers: 8))
            {
                acknowledged.Add(ack.Seed, ack);
            }

            Assert.True(acknowledged.Count >= (round + 1) * MinAcksBeforeKill);
            await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(_directory.Path, writes));
            foreach (var ack in acknowledged.Values)
            {
                await AssertIntactAsync(store, ack);
            }
        }
    }

    private async Task<List<Ack>> RunAndKillAsync(int firstSeed, int killDelayMs, int largeWorkers, int minLargeAcks, TransitLogWrites writes, int batchWorkers = 0)
    {
        using var cts = new CancellationTokenSource(RoundTimeout);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[CrashWorkload.LogWritesVariable] = writes.ToString();
        start.ArgumentList.Add(BuiltAssembly.Path("tests/Tern.CrashHarness", "Tern.CrashHarness.dll"));
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(firstSeed.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Workers.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(largeWorkers.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(batchWorkers.ToString(CultureInfo.InvariantCulture));

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        var acks = new List<Ack>();
        var largeAcks = 0;
        var killAt = (Stopwatch?)null;
        try
        {
            while (true)
            {
                if (killAt is not null && killAt.ElapsedMilliseconds >= killDelayMs)
                {
                    break;
                }

                var line = await process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                {
                    Assert.Fail($"harness exited early ({(process.HasExited ? process.ExitCode : -1)}): {await stderr}");
                }

                if (Ack.TryParse(line, out var ack))
                {
                    acks.Add(ack);
                    largeAcks += ack.Seed < 0 ? 1 : 0;
                }

                if (acks.Count >= MinAcksBeforeKill && largeAcks >= minLargeAcks && killAt is null)
                {
                    killAt = Stopwatch.StartNew();
                }
            }
        }
        finally
        {
            // Process.Kill sends SIGKILL on Linux.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // The harness wrote the logs the way asked: a fast-commit journal for DataSync (a new store's logs take it).
        var format = File.ReadAllText(Path.Combine(_directory.Path, "transit", "journal", TransitLogFormat.FileName)).Trim();
        Assert.Equal(writes == TransitLogWrites.DataSync ? "fast-commit" : "plain", format);

        // Lines written before the kill and still in the pipe were acknowledged too.
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } rest)
        {
            if (Ack.TryParse(rest, out var ack))
            {
                acks.Add(ack);
            }
        }

        return acks;
    }

    private static async Task AssertIntactAsync(TransitStore store, Ack ack)
    {
        var content = CrashWorkload.Content(ack.Seed);
        var recipients = CrashWorkload.Recipients(ack.Seed);
        Assert.Equal(recipients.Length, ack.Capabilities.Length);
        for (var i = 0; i < recipients.Length; i++)
        {
            var delivery = store.GetDelivery(ack.Capabilities[i]);
            Assert.True(delivery is not null, $"seed {ack.Seed}: delivery {i} lost");
            Assert.Equal(ack.MessageId, delivery.Value.MessageId);
            Assert.Equal(DeliveryState.Outstanding, delivery.Value.State);
            Assert.Equal(recipients[i].Domain, delivery.Value.DestinationDomain);
            Assert.Equal(recipients[i].Hash, delivery.Value.RecipientHash);
            Assert.Equal(content.Length, delivery.Value.Size);
        }

        Assert.Equal(content, await TransitTestStores.ReadAllAsync(store, ack.Capabilities[^1], content.Length, piece: 5000));
    }

    private sealed record Ack(int Seed, MessageId MessageId, FetchCapability[] Capabilities)
    {
        public static bool TryParse(string line, out Ack ack)
        {
            ack = null!;
            var parts = line.Split(' ');
            if (parts.Length < 4 || parts[0] != "ACK" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seed) || !MessageId.TryParse(parts[2], out var id))
            {
                return false;
            }

            var capabilities = new FetchCapability[parts.Length - 3];
            for (var i = 0; i < capabilities.Length; i++)
            {
                if (!FetchCapability.TryParse(parts[i + 3], out capabilities[i]))
                {
                    return false;
                }
            }

            if (capabilities.Length != CrashWorkload.Recipients(seed).Length)
            {
                return false;
            }

            ack = new Ack(seed, id, capabilities);
            return true;
        }
    }
}
