using System.Text.Json;
using Tern.ClientApi.Events;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;

namespace Tern.ClientApi.Tests;

/// <summary>
/// bob's <c>received</c> line riding the pull journal's begun record (docs/ARCHITECTURE.md §5.6), on real files: readable
/// once the record is durable with no flush of <c>events.log</c>, flushed as any other line when the pull does not carry
/// it, in its place in the log either way; after a crash between the record and the log's flush the line comes back from
/// the journal once, and never twice when the log holds it too.
/// </summary>
public sealed class ReceivedLineTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TempDirectory _directory = new("received-line");

    public void Dispose() => _directory.Dispose();

    private string EventsDirectory => _directory.File("clientapi");

    private string EventsPath => Path.Combine(EventsDirectory, EventLog.FileName);

    [Fact]
    public async Task A_line_the_journals_record_carries_is_readable_once_that_record_is_durable_without_a_flush_of_the_log()
    {
        await using var log = new EventLog(EventsDirectory);
        await using var journal = OpenJournal();
        await log.AppendAsync("bob", UserEvents.HashChanged("h", registered: true));
        var flushes = log.Flushes;
        var (hash, reference) = Reference();
        var annotation = Received(log, hash, reference);
        Assert.Equal(1UL, log.Last("bob"));

        await journal.BeginAsync(hash, reference, writeHere: true, annotation, CancellationToken.None);
        await annotation.Carried.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await Eventually.TrueAsync(() => log.Last("bob") == 2UL));
        Assert.Equal(UserEvents.Received, Event(log, "bob", 2).Type);
        Assert.Equal(reference.Capability.ToString(), Event(log, "bob", 2).Capability);

        // Written without a flush: the record holds it, until a flush of the log's own takes it along and tells the record.
        Assert.Equal(flushes, log.Flushes);
        Assert.False(annotation.IsFlushed);
        await log.FlushedAsync();
        Assert.Equal(flushes + 1, log.Flushes);
        Assert.True(annotation.IsFlushed);
    }

    [Fact]
    public async Task A_line_no_record_carries_is_flushed_as_any_other_and_lines_appended_after_it_wait_for_it()
    {
        await using var log = new EventLog(EventsDirectory);
        var flushes = log.Flushes;
        var (hash, reference) = Reference();
        var annotation = Received(log, hash, reference);
        var carol = log.AppendAsync("carol", UserEvents.MessageDeleted("after-bobs"));
        Assert.False(carol.IsCompleted);
        Assert.Equal(0UL, log.Last("bob"));

        // The pump queued the pull, or it waited before its record: released, the line takes the log's own flush.
        annotation.Release();
        await carol.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1UL, log.Last("bob"));
        Assert.True(log.Flushes > flushes);
        var text = File.ReadAllText(EventsPath);
        Assert.InRange(text.IndexOf(reference.Capability.ToString(), StringComparison.Ordinal), 0, text.IndexOf("after-bobs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crash_after_the_journals_record_and_before_the_logs_flush_puts_the_line_back_once_and_a_second_start_not_again()
    {
        var (hash, reference) = Reference();
        long length;
        var log = new EventLog(EventsDirectory);
        var journal = OpenJournal();
        await log.AppendAsync("bob", UserEvents.HashChanged("h", registered: true));
        length = new FileInfo(EventsPath).Length;
        var annotation = Received(log, hash, reference);
        await journal.BeginAsync(hash, reference, writeHere: true, annotation, CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => log.Last("bob") == 2UL));

        // The crash: the journal's record is durable, the log's line was written and never flushed, so a power cut loses it.
        await journal.CloseWithoutFlushAsync();
        await log.DisposeAsync();
        using (var file = new FileStream(EventsPath, FileMode.Open))
        {
            file.SetLength(length);
        }

        // Each start as the client API's stage does it; the second finds the line in the log and in the journal.
        for (var start = 0; start < 2; start++)
        {
            await using var reopenedJournal = OpenJournal();
            await using var reopened = new EventLog(EventsDirectory);
            Assert.Single(reopenedJournal.RecoveredAnnotations);
            Assert.Equal(start == 0 ? 1 : 0, reopened.RestoreRecorded(reopenedJournal.RecoveredAnnotations));
            await reopened.FlushedAsync();
            reopenedJournal.ReleaseRecovered();

            var events = reopened.Read("bob", 0, 10).Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!).ToList();
            Assert.Equal([UserEvents.HashesChanged, UserEvents.Received], events.Select(e => e.Type));
            Assert.Equal(["1", "2"], events.Select(e => e.Sequence));
            Assert.Equal(reference.Capability.ToString(), events[1].Capability);
        }
    }

    [Fact]
    public async Task A_line_the_log_flushed_and_the_journal_still_holds_is_not_put_back()
    {
        var (hash, reference) = Reference();
        await using (var log = new EventLog(EventsDirectory))
        {
            var journal = OpenJournal();
            var annotation = Received(log, hash, reference);
            await journal.BeginAsync(hash, reference, writeHere: true, annotation, CancellationToken.None);
            await log.FlushedAsync();
            Assert.True(annotation.IsFlushed);
            await log.AppendAsync("bob", UserEvents.MessageDeleted("later"));
            await journal.CloseWithoutFlushAsync();
        }

        await using var reopenedJournal = OpenJournal();
        await using var reopened = new EventLog(EventsDirectory);
        Assert.Equal(0, reopened.RestoreRecorded(reopenedJournal.RecoveredAnnotations));
        await reopened.FlushedAsync();
        var types = reopened.Read("bob", 0, 10).Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!.Type);
        Assert.Equal([UserEvents.Received, UserEvents.Deleted], types);
    }

    /// <summary>What the client API's hook does for a reference pulled at once.</summary>
    private static PullAnnotation Received(EventLog log, RecipientHash hash, PendingReference reference)
    {
        var annotation = new PullAnnotation();
        annotation.Line = log.AppendRecorded("bob", ReceivedEvents.Of(hash, reference), annotation.Carried, annotation.Flushed);
        return annotation;
    }

    private static UserEvent Event(EventLog log, string user, ulong sequence) =>
        JsonSerializer.Deserialize(log.Read(user, sequence - 1, 1).Events[0].Span, UserEventJson.Default.UserEvent)!;

    private PullJournal OpenJournal() => PullJournal.Open(new PullJournalOptions { DataDirectory = _directory.File("state"), Durable = true });

    private static (RecipientHash Hash, PendingReference Reference) Reference() => (RecipientHash.NewRandom(), new PendingReference(
        FetchCapability.NewRandom(),
        "a.example",
        Bytes32.Random(),
        Now.AddDays(1).ToUnixTimeMilliseconds(),
        1024,
        Bytes32.Random(),
        "text/plain",
        ["tern+tcp://127.0.0.1:7401"],
        Now.ToUnixTimeMilliseconds(),
        sequence: 1,
        attempt: 1,
        NotificationFlags.None));
}
