using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tern.ClientApi.Events;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.MessageCrashHarness;

namespace Tern.ClientApi.Tests;

/// <summary>
/// kill -9 while messages are committed (docs/ARCHITECTURE.md §5.2): a child process commits pulled messages into the
/// message store with their <c>pulled</c> events, deletes some, and is killed with SIGKILL at several moments (inside
/// commits, the event log's writes and the store's checkpoints); each time the store and the event log reopened as the
/// node opens them must hold every message the child counted stored, byte for byte, no blob that is not whole, and one
/// <c>pulled</c> event for each message committed, never two.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class MessageCommitCrashTests : IDisposable
{
    private const int MinStoredBeforeKill = 40;
    private const int Workers = 8;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("message-crash");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Stored_messages_and_their_pulled_events_survive_SIGKILL_at_any_moment_once_each()
    {
        // Fixed delays after the minimum number of commits: different points of the commit, write and checkpoint cycles.
        int[] killDelaysMs = [0, 17, 60, 150, 330];
        var stored = new HashSet<int>();
        var deleted = new HashSet<int>();
        for (var round = 0; round < killDelaysMs.Length; round++)
        {
            var (roundStored, roundDeleted) = await RunAndKillAsync((round + 1) * 1_000_000, killDelaysMs[round]);
            stored.UnionWith(roundStored);
            deleted.UnionWith(roundDeleted);
            Assert.True(roundStored.Count >= MinStoredBeforeKill);
            await AssertConsistentAsync(stored, deleted);
        }
    }

    private async Task AssertConsistentAsync(HashSet<int> stored, HashSet<int> deleted)
    {
        var (store, events) = MessageCrashWorkload.Open(_directory.Path);
        try
        {
            // Every message counted stored is there whole, unless the child deleted it.
            foreach (var seed in stored)
            {
                var present = store.Contains(MessageCrashWorkload.Hash(seed), MessageCrashWorkload.Capability(seed));
                if (deleted.Contains(seed))
                {
                    Assert.False(present, $"seed {seed}: deleted and back");
                }
                else if (!MessageCrashWorkload.Deletes(seed))
                {
                    // (One the child deletes may have gone before it could say so.)
                    Assert.True(present, $"seed {seed}: stored and lost");
                }
            }

            // Every message in the store, counted or not, is whole and listed with its metadata.
            var inStore = new HashSet<int>();
            for (var h = 0; h < 3; h++)
            {
                foreach (var message in store.List(MessageCrashWorkload.Hash(h)))
                {
                    var seed = MessageCrashWorkload.Seed(message.Capability);
                    var content = MessageCrashWorkload.Content(seed);
                    Assert.Equal(content.Length, message.Size);
                    Assert.Equal(PayloadTree.Hash(content), message.PayloadHash);
                    await using var read = store.OpenRead(message.RecipientHash, message.Capability);
                    var bytes = new byte[content.Length + 1];
                    Assert.Equal(content.Length, await read.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false));
                    Assert.True(content.AsSpan().SequenceEqual(bytes.AsSpan(0, content.Length)), $"seed {seed}: torn blob");
                    inStore.Add(seed);
                }

                Assert.Equal(inStore.Count(s => MessageCrashWorkload.Hash(s) == MessageCrashWorkload.Hash(h)), store.StoredCapabilities(MessageCrashWorkload.Hash(h)).Count);
            }

            // One pulled event for each message in the store, and none twice; one without its message only for a delete.
            await events.FlushedAsync();
            var pulled = new List<int>();
            var page = events.Read(MessageCrashWorkload.User, 0, int.MaxValue);
            foreach (var e in page.Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!))
            {
                Assert.Equal(UserEvents.Pulled, e.Type);
                Assert.True(FetchCapability.TryParse(e.Id, out var capability));
                pulled.Add(MessageCrashWorkload.Seed(capability));
            }

            Assert.Equal(pulled.Count, pulled.Distinct().Count());
            Assert.Subset(pulled.ToHashSet(), inStore);
            foreach (var seed in pulled.Except(inStore))
            {
                Assert.True(MessageCrashWorkload.Deletes(seed), $"seed {seed}: a pulled event without its message");
            }
        }
        finally
        {
            await events.DisposeAsync();
            store.Dispose();
        }
    }

    private async Task<(List<int> Stored, List<int> Deleted)> RunAndKillAsync(int firstSeed, int killDelayMs)
    {
        using var cts = new CancellationTokenSource(RoundTimeout);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuiltAssembly.Path("tests/Tern.MessageCrashHarness", "Tern.MessageCrashHarness.dll"));
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(firstSeed.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Workers.ToString(CultureInfo.InvariantCulture));

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        var stored = new List<int>();
        var deleted = new List<int>();
        var killAt = (Stopwatch?)null;
        try
        {
            while (killAt is null || killAt.ElapsedMilliseconds < killDelayMs)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                {
                    Assert.Fail($"harness exited early ({(process.HasExited ? process.ExitCode : -1)}): {await stderr}");
                }

                Parse(line, stored, deleted);
                if (stored.Count >= MinStoredBeforeKill && killAt is null)
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

        // Lines written before the kill and still in the pipe were counted too.
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } rest)
        {
            Parse(rest, stored, deleted);
        }

        return (stored, deleted);
    }

    private static void Parse(string line, List<int> stored, List<int> deleted)
    {
        var parts = line.Split(' ');
        if (parts.Length == 2 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seed))
        {
            (parts[0] == "STORED" ? stored : parts[0] == "DELETED" ? deleted : null)?.Add(seed);
        }
    }
}
