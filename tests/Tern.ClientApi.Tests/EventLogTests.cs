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
    public async Task A_recorded_event_is_written_and_readable_only_once_its_callers_record_is_durable_and_its_line_is_the_one_returned()
    {
        await using var log = new EventLog(_directory.Path);
        var path = Path.Combine(_directory.Path, EventLog.FileName);
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = log.WaitAsync("bob", 0);
        var line = log.AppendRecorded("bob", UserEvents.MessageDeleted("pulled-stand-in"), recorded.Task);

        // Not readable and nobody woken before the record is durable, and what comes after it waits behind it.
        var carol = log.WaitAsync("carol", 0);
        log.Append("carol", UserEvents.MessageDeleted("other"));
        Assert.Equal(0UL, log.Last("bob"));
        Assert.False(waiting.IsCompleted);
        Assert.DoesNotContain("pulled-stand-in", File.Exists(path) ? ReadShared(path) : "", StringComparison.Ordinal);

        recorded.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await carol.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1UL, log.Last("bob"));
        await log.FlushedAsync();

        // In the file as returned, before the line appended after it.
        var text = ReadShared(path);
        Assert.InRange(text.IndexOf(Encoding.UTF8.GetString(line), StringComparison.Ordinal), 0, text.IndexOf("other", StringComparison.Ordinal));
        Assert.StartsWith("bob\t1\t", Encoding.UTF8.GetString(line), StringComparison.Ordinal);

        // A record that failed still publishes the event once its line is flushed: its sequence is taken.
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        log.AppendRecorded("bob", UserEvents.MessageDeleted("second"), failed.Task);
        failed.SetException(new IOException("commit failed"));
        Assert.True(await Eventually.TrueAsync(() => log.Last("bob") == 2UL));
    }

    [Fact]
    public async Task A_recorded_line_the_log_lost_is_put_back_with_its_sequence_and_one_it_holds_is_not_put_back_twice()
    {
        byte[] kept;
        byte[] lost;
        byte[] lostLater;
        await using (var log = new EventLog(_directory.Path))
        {
            await log.AppendAsync("bob", UserEvents.HashChanged("h", registered: true));
            kept = log.AppendRecorded("bob", UserEvents.MessageStored(Message(1), []), Task.CompletedTask);
            await log.FlushedAsync();
        }

        var length = new FileInfo(Path.Combine(_directory.Path, EventLog.FileName)).Length;
        await using (var log = new EventLog(_directory.Path))
        {
            lost = log.AppendRecorded("bob", UserEvents.MessageStored(Message(2), []), Task.CompletedTask);
            await log.AppendAsync("bob", UserEvents.HashChanged("h2", registered: true));
            lostLater = log.AppendRecorded("bob", UserEvents.MessageStored(Message(3), []), Task.CompletedTask);
            await log.FlushedAsync();
        }

        // A crash before the flush of the last three lines: the file ends where it did.
        using (var file = new FileStream(Path.Combine(_directory.Path, EventLog.FileName), FileMode.Open))
        {
            file.SetLength(length);
        }

        for (var start = 0; start < 2; start++)
        {
            await using var log = new EventLog(_directory.Path);
            var restored = log.RestoreRecorded([lostLater, kept, lost]);
            await log.FlushedAsync();
            Assert.Equal(start == 0 ? 2 : 0, restored);
            var events = log.Read("bob", 0, 10).Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!).ToList();

            // The one a client could have seen (3) has its sequence back; the one after a lost line takes the next.
            Assert.Equal(["1", "2", "3", "4"], events.Select(e => e.Sequence));
            Assert.Equal([null, Id(1), Id(2), Id(3)], events.Select(e => e.Id));
        }
    }

    private static Tern.Engine.Pull.StoredMessage Message(byte n)
    {
        var bytes = new byte[32];
        bytes[0] = n;
        return new(new Tern.Engine.Protocol.RecipientHash(bytes), new Tern.Engine.Protocol.FetchCapability(bytes), "a.example", 10, default, "", 0);
    }

    private static string Id(byte n) => Message(n).Capability.ToString();

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
