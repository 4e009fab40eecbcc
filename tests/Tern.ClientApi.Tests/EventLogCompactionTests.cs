using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.ClientApi.Events;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Event-log compaction on real files with a virtual clock (docs/C2S.md §11, §15 "Storage"): events older than the
/// retention go, each user keeps a minimum, sequences continue and are never reused, a crash between any two steps
/// leaves a whole log, appends made meanwhile are kept, and a cursor older than the oldest kept event is 410.
/// </summary>
public sealed class EventLogCompactionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new("eventlog-compaction");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Events_older_than_the_retention_go_each_user_keeps_its_minimum_and_sequences_continue_after_a_restart()
    {
        var clock = new ManualClock(Start);
        var path = Path.Combine(_directory.Path, "state");
        await using (var log = new EventLog(path, time: clock))
        {
            await SeedAsync(log, "bob", 10);
            await SeedAsync(log, "carol", 3);
            await SeedAsync(log, "dave", 6);
            clock.Advance(TimeSpan.FromDays(31));
            await SeedAsync(log, "bob", 2);
            var before = new FileInfo(Path.Combine(path, EventLog.FileName)).Length;

            // bob keeps his 2 recent events; carol and dave their last 1 (the minimum) however old it is.
            Assert.Equal(10 + 2 + 5, await log.CompactAsync(TimeSpan.FromDays(30), minEventsPerUser: 1));
            Assert.Equal(10UL, log.Oldest("bob"));
            Assert.Equal(2UL, log.Oldest("carol"));
            Assert.True(new FileInfo(Path.Combine(path, EventLog.FileName)).Length < before);
            Assert.Equal([11UL, 12UL], log.Read("bob", 10, 100).Sequences);
            Assert.Equal(["h10", "h11"], Hashes(log.Read("bob", 10, 100)));
            Assert.Equal([3UL], log.Read("carol", 2, 100).Sequences);

            // A cursor before the oldest kept reads nothing and says there is more: the routes answer it 410.
            var stale = log.Read("bob", 5, 100);
            Assert.Empty(stale.Events);
            Assert.True(stale.More);

            Assert.Equal(13UL, await log.AppendAsync("bob", UserEvents.HashChanged("h12", registered: true)));

            // A month later with a minimum of 2: bob's oldest of three goes; carol and dave had fewer, and keep them.
            clock.Advance(TimeSpan.FromDays(31));
            Assert.Equal(1, await log.CompactAsync(TimeSpan.FromDays(30), minEventsPerUser: 2));
        }

        // Reopened: the index is rebuilt from the compacted file; no sequence is reused.
        await using var reopened = new EventLog(path, time: clock);
        Assert.Equal(11UL, reopened.Oldest("bob"));
        Assert.Equal([12UL, 13UL], reopened.Read("bob", 11, 100).Sequences);
        Assert.Equal(2UL, reopened.Oldest("carol"));
        Assert.Equal(5UL, reopened.Oldest("dave"));
        Assert.Equal(4UL, await reopened.AppendAsync("carol", UserEvents.MessageDeleted("x")));
        Assert.Equal(7UL, await reopened.AppendAsync("dave", UserEvents.MessageDeleted("y")));
        Assert.Equal([3UL, 4UL], reopened.Read("carol", 2, 100).Sequences);
    }

    [Theory]
    [InlineData("written")]
    [InlineData("renamed")]
    [InlineData("synced")]
    [InlineData("swapped")]
    public async Task A_crash_after_any_step_leaves_a_whole_log_that_loses_no_kept_event_and_reuses_no_sequence(string step)
    {
        var clock = new ManualClock(Start);
        var path = Path.Combine(_directory.Path, "state");
        var snapshot = Path.Combine(_directory.Path, "crashed");
        await using (var log = new EventLog(path, time: clock))
        {
            await SeedAsync(log, "bob", 20);
            clock.Advance(TimeSpan.FromDays(31));
            await SeedAsync(log, "bob", 5);

            // What is on disk at that instant is what a crash there leaves (the files are flushed at each step).
            log.CompactionStep = at =>
            {
                if (at == step)
                {
                    Copy(path, snapshot);
                }
            };
            Assert.Equal(20, await log.CompactAsync(TimeSpan.FromDays(30), minEventsPerUser: 1));
        }

        await using var recovered = new EventLog(snapshot, time: clock);
        Assert.False(File.Exists(Path.Combine(snapshot, EventLog.FileName + EventLog.CompactSuffix)));
        var oldest = recovered.Oldest("bob");
        Assert.True(oldest is 0 or 20, $"oldest {oldest}");
        var page = recovered.Read("bob", 20, 100);
        Assert.Equal([21UL, 22UL, 23UL, 24UL, 25UL], page.Sequences);
        Assert.Equal(["h20", "h21", "h22", "h23", "h24"], Hashes(page));
        Assert.Equal(26UL, await recovered.AppendAsync("bob", UserEvents.MessageDeleted("after")));
    }

    [Fact]
    public async Task Appends_and_reads_during_a_compaction_lose_nothing()
    {
        var clock = new ManualClock(Start);
        await using var log = new EventLog(_directory.Path, durable: false, time: clock);
        await SeedAsync(log, "bob", 2000);
        clock.Advance(TimeSpan.FromDays(31));

        var appends = Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                log.Append("bob", UserEvents.HashChanged("late" + i, registered: true));
                if (i % 50 == 0)
                {
                    await Task.Yield();
                }
            }
        });
        var compactions = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await log.CompactAsync(TimeSpan.FromDays(30), minEventsPerUser: 1);
            }
        });
        await Task.WhenAll(appends, compactions);
        await log.AppendAsync("bob", UserEvents.MessageDeleted("end"));

        // The compactions may all have run before the first late append (the scheduler decides), keeping the newest
        // old event as bob's minimum; one more after the appends settles which old events are gone.
        await log.CompactAsync(TimeSpan.FromDays(30), minEventsPerUser: 1);

        // Every late event is there in order, after the oldest kept; the old ones are gone.
        Assert.Equal(2000UL, log.Oldest("bob"));
        var late = log.Read("bob", 2000, 1000);
        Assert.Equal(Enumerable.Range(2001, 501).Select(i => (ulong)i), late.Sequences);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => "late" + i), Hashes(late).Take(500));
    }

    [Fact]
    public async Task The_compactor_runs_on_its_interval_and_at_start_above_its_threshold()
    {
        var clock = new ManualClock(Start);
        await using var log = new EventLog(_directory.Path, time: clock);
        await SeedAsync(log, "bob", 5);
        var options = new ClientApiOptions { EventRetention = TimeSpan.FromDays(30), EventRetentionMinEvents = 1, EventCompactionInterval = TimeSpan.FromHours(1), EventCompactionStartBytes = 1 << 20 };

        // Below the threshold at start, and an hour-long interval: nothing happens, whatever the clock says.
        using (var stop = new CancellationTokenSource())
        {
            clock.Advance(TimeSpan.FromDays(31));
            var run = EventLogCompactor.RunAsync(log, options, clock, NullLogger.Instance, stop.Token);
            await Task.Delay(300);
            Assert.Equal(0UL, log.Oldest("bob"));
            await stop.CancelAsync();
            await run;
        }

        // Above the threshold: compacted at start.
        using (var stop = new CancellationTokenSource())
        {
            options.EventCompactionStartBytes = 0;
            var run = EventLogCompactor.RunAsync(log, options, clock, NullLogger.Instance, stop.Token);
            await WaitUntilAsync(() => log.Oldest("bob") == 4);
            await stop.CancelAsync();
            await run;
        }

        // On the interval (timers run on real time; the clock says what is old).
        await SeedAsync(log, "bob", 3);
        clock.Advance(TimeSpan.FromDays(31));
        options.EventCompactionStartBytes = long.MaxValue;
        options.EventCompactionInterval = TimeSpan.FromMilliseconds(100);
        using (var stop = new CancellationTokenSource())
        {
            var run = EventLogCompactor.RunAsync(log, options, clock, NullLogger.Instance, stop.Token);
            await WaitUntilAsync(() => log.Oldest("bob") == 7);
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task A_cursor_older_than_the_oldest_kept_event_is_410_cursor_expired_on_the_poll_and_the_stream()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tern:ClientApi:EventRetention"] = "00:00:00",
            ["Tern:ClientApi:EventRetentionMinEvents"] = "2",
            ["Tern:ClientApi:EventCompactionStartBytes"] = "0",
        };
        var node = await ApiNode.StartAsync("b.example", _directory.File("node"), settings);
        try
        {
            var (client, token) = node.AddUser("bob");
            for (var i = 0; i < 5; i++)
            {
                await Api.ExpectAsync(await client.PutAsync($"/v1/hashes/{Api.NewHash()}", null), HttpStatusCode.Created);
            }

            Assert.Equal(5, (await Api.JsonAsync(await client.GetAsync("/v1/events?after=0"))).GetProperty("events").GetArrayLength());

            // Restarted, the log is above the threshold (0): compacted at start down to bob's last 2 events.
            await node.DisposeAsync();
            node = await ApiNode.StartAsync("b.example", _directory.File("node"), settings);
            using var again = node.ClientFor(token.Token);
            await WaitUntilAsync(async () => (await again.GetAsync("/v1/events?after=0")).StatusCode == HttpStatusCode.Gone);
            var gone = await Api.ProblemAsync(await again.GetAsync("/v1/events?after=2"), HttpStatusCode.Gone);
            Assert.Equal("urn:tern:c2s:cursor-expired", gone.GetProperty("type").GetString());
            Assert.Equal("after", gone.GetProperty("field").GetString());
            Assert.Equal("3", gone.GetProperty("limit").GetString());
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
            request.Headers.Add("Last-Event-ID", "1");
            Assert.Equal("Last-Event-ID", (await Api.ProblemAsync(await again.SendAsync(request), HttpStatusCode.Gone)).GetProperty("field").GetString());

            // From the oldest cursor on, the kept events and what follows.
            var kept = await Api.JsonAsync(await again.GetAsync("/v1/events?after=3"));
            Assert.Equal(["4", "5"], kept.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetString()));
            await again.PutAsync($"/v1/hashes/{Api.NewHash()}", null);
            Assert.Equal("6", (await Api.JsonAsync(await again.GetAsync("/v1/events?after=5"))).GetProperty("events")[0].GetProperty("sequence").GetString());
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static async Task SeedAsync(EventLog log, string user, int count)
    {
        // The event of sequence s names hash "h{s-1}".
        var first = log.Last(user);
        for (var i = 0; i < count - 1; i++)
        {
            log.Append(user, UserEvents.HashChanged("h" + (first + (ulong)i), registered: true));
        }

        await log.AppendAsync(user, UserEvents.HashChanged("h" + (first + (ulong)count - 1), registered: true)).ConfigureAwait(false);
    }

    private static List<string> Hashes(EventPage page) =>
        [.. page.Events.Select(e => JsonDocument.Parse(e).RootElement.TryGetProperty("hash", out var h) ? h.GetString()! : "-")];

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}
