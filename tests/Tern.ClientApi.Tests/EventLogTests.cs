using System.Text;
using System.Text.Json;
using Tern.ClientApi.Events;

namespace Tern.ClientApi.Tests;

/// <summary>The event log on real files: order, per-user sequences, waiters, restart, a torn last line (docs/C2S.md §15).</summary>
public sealed class EventLogTests : IDisposable
{
    private readonly TempDirectory _directory = new("eventlog");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Each_user_has_sequences_from_one_in_append_order_and_reads_page_after_a_cursor()
    {
        await using var log = new EventLog(_directory.Path);
        for (var i = 0; i < 10; i++)
        {
            log.Append("bob", UserEvents.HashChanged("h" + i, registered: true));
            log.Append("carol", UserEvents.MessageDeleted("m" + i));
        }

        Assert.Equal(11UL, await log.AppendAsync("bob", UserEvents.MessageDeleted("last")));
        Assert.Equal(11UL, log.Last("bob"));
        Assert.Equal(10UL, log.Last("carol"));

        var page = log.Read("bob", 3, 4);
        Assert.Equal([4UL, 5UL, 6UL, 7UL], page.Sequences);
        Assert.Equal(7UL, page.Next);
        Assert.True(page.More);
        var events = page.Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!).ToList();
        Assert.Equal(["4", "5", "6", "7"], events.Select(e => e.Sequence));
        Assert.Equal(["h3", "h4", "h5", "h6"], events.Select(e => e.Hash));
        Assert.All(events, e => Assert.Equal(UserEvents.HashesChanged, e.Type));

        var rest = log.Read("bob", 7, 100);
        Assert.Equal(4, rest.Events.Count);
        Assert.False(rest.More);
        Assert.Empty(log.Read("bob", 11, 100).Events);
        Assert.Empty(log.Read("nobody", 0, 100).Events);
        Assert.DoesNotContain("carol", Encoding.UTF8.GetString(rest.Events[^1].Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_that_waits_for_its_callers_flush_is_written_at_once_and_readable_only_after_it()
    {
        await using var log = new EventLog(_directory.Path);
        var path = Path.Combine(_directory.Path, EventLog.FileName);
        var directoryFlushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = log.WaitAsync("bob", 0);
        Assert.Equal(1UL, log.Append("bob", UserEvents.MessageDeleted("pulled-stand-in"), readableAfter: directoryFlushed.Task));

        // The line reaches the file (its flush runs beside the caller's), but nobody may read it or be woken for it yet.
        Assert.True(await Eventually.TrueAsync(() => File.Exists(path) && ReadShared(path).Contains("pulled-stand-in", StringComparison.Ordinal)));
        await Task.Delay(100);
        Assert.Equal(0UL, log.Last("bob"));
        Assert.Empty(log.Read("bob", 0, 10).Events);
        Assert.False(waiting.IsCompleted);

        directoryFlushed.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1UL, log.Last("bob"));

        // A caller's flush that failed still publishes the event: its line is on disk and a restart would read it.
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        log.Append("bob", UserEvents.MessageDeleted("second"), readableAfter: failed.Task);
        failed.SetException(new IOException("directory flush failed"));
        Assert.True(await Eventually.TrueAsync(() => log.Last("bob") == 2UL));
    }

    [Fact]
    public async Task A_waiter_wakes_when_its_users_log_grows_and_not_for_another_user()
    {
        await using var log = new EventLog(_directory.Path);
        var waiting = log.WaitAsync("bob", 0);
        await log.AppendAsync("carol", UserEvents.MessageDeleted("x"));
        Assert.False(waiting.IsCompleted);
        await log.AppendAsync("bob", UserEvents.MessageDeleted("y"));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(log.WaitAsync("bob", 0).IsCompleted);
    }

    [Fact]
    public async Task A_reopened_log_keeps_every_event_continues_the_sequences_and_cuts_a_torn_last_line()
    {
        await using (var log = new EventLog(_directory.Path))
        {
            for (var i = 0; i < 5; i++)
            {
                await log.AppendAsync("bob", UserEvents.HashChanged("h" + i, registered: i % 2 == 0));
            }
        }

        // A crash in the middle of a write leaves a line without its newline: never flushed whole, never readable.
        var path = Path.Combine(_directory.Path, EventLog.FileName);
        var before = new FileInfo(path).Length;
        await File.AppendAllTextAsync(path, "bob\t6\t{\"sequence\":\"6\",\"type\":\"dele");

        await using (var log = new EventLog(_directory.Path))
        {
            Assert.Equal(before, new FileInfo(path).Length);
            Assert.Equal(5UL, log.Last("bob"));
            Assert.Equal(["h0", "h1", "h2", "h3", "h4"], log.Read("bob", 0, 100).Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!.Hash));
            Assert.Equal(6UL, await log.AppendAsync("bob", UserEvents.MessageDeleted("after")));
        }

        await using (var log = new EventLog(_directory.Path))
        {
            var last = log.Read("bob", 5, 10);
            Assert.Equal([6UL], last.Sequences);
            Assert.Contains("\"after\"", Encoding.UTF8.GetString(last.Events[0].Span), StringComparison.Ordinal);
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
