using System.Text.Json;
using Tern.ClientApi.Events;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Deferred lines (<c>delivery_changed</c>, <see cref="EventLog.AppendDeferred"/>) on real files: written at once, readable
/// only once a flush has them (another line's, a barrier's, the delay's own), in sequence order, and kept across a reopen.
/// </summary>
public sealed class EventLogDeferredTests : IDisposable
{
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _directory = new("eventlog-deferred");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_deferred_line_waits_for_the_next_flush_and_is_readable_before_the_lines_after_it()
    {
        await using var log = new EventLog(_directory.Path, deferredFlushDelay: Never);
        var waiting = log.WaitAsync("alice", 0);
        log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m1", "d1", "fetched"));
        Assert.True(await Eventually.TrueAsync(() => log.HeldDeferred == 1));
        Assert.Equal(0UL, log.Last("alice"));
        Assert.False(waiting.IsCompleted);

        // Another user's line is flushed: it carries alice's along, and alice's waiter wakes.
        await log.AppendAsync("bob", UserEvents.MessageDeleted("x"));
        Assert.Equal(1UL, log.Last("alice"));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, log.HeldDeferred);

        // A deferred line then an ordinary one of the same user: both readable, in sequence order.
        log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m2", "d2", "fetched"));
        Assert.Equal(3UL, await log.AppendAsync("alice", UserEvents.MessageDeleted("y")));
        var page = log.Read("alice", 0, 10);
        Assert.Equal([1UL, 2UL, 3UL], page.Sequences);
        var types = page.Events.Select(e => JsonSerializer.Deserialize(e.Span, UserEventJson.Default.UserEvent)!.Type).ToList();
        Assert.Equal([UserEvents.DeliveryChanged, UserEvents.DeliveryChanged, UserEvents.Deleted], types);
    }

    [Fact]
    public async Task A_deferred_line_alone_is_flushed_once_the_delay_is_up()
    {
        await using var log = new EventLog(_directory.Path, deferredFlushDelay: TimeSpan.FromMilliseconds(20));
        var waiting = log.WaitAsync("alice", 0);
        log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m1", "d1", "fetched"));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1UL, log.Last("alice"));
        Assert.Equal(0, log.HeldDeferred);
    }

    [Fact]
    public async Task A_barrier_flushes_the_deferred_lines_held_and_a_reopen_reads_them()
    {
        await using (var log = new EventLog(_directory.Path, deferredFlushDelay: Never))
        {
            log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m1", "d1", "fetched"));
            Assert.True(await Eventually.TrueAsync(() => log.HeldDeferred == 1));
            await log.FlushedAsync();
            Assert.Equal(1UL, log.Last("alice"));

            // Held at disposal: the writer's last flush takes it.
            log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m2", "d2", "fetched"));
            Assert.True(await Eventually.TrueAsync(() => log.HeldDeferred == 1));
        }

        await using var reopened = new EventLog(_directory.Path, deferredFlushDelay: Never);
        Assert.Equal(2UL, reopened.Last("alice"));
    }

    [Fact]
    public async Task With_no_delay_a_deferred_line_is_flushed_as_any_other()
    {
        await using var log = new EventLog(_directory.Path, deferredFlushDelay: TimeSpan.Zero);
        var waiting = log.WaitAsync("alice", 0);
        log.AppendDeferred("alice", UserEvents.DeliveryStateChanged("m1", "d1", "fetched"));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, log.HeldDeferred);
    }
}
