using System.Text;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// A begun record that carries its maker's line (docs/ARCHITECTURE.md §5.6, the client API's <c>received</c>): told carried
/// once durable, handed back after a crash whether the pull ended or not, kept through rewrites until its maker has it
/// durably, never carried once released; records without one (an older writer's) still replay.
/// </summary>
public sealed class PullJournalAnnotationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new("pull-journal-annotation");
    private readonly ManualClock _time = new(Now);

    public void Dispose() => _directory.Dispose();

    private string FilePath => _directory.File(PullJournalOptions.FileName);

    [Fact]
    public async Task A_carried_line_is_told_once_its_record_is_durable_and_a_crash_hands_it_back_with_the_pull()
    {
        var hash = RecipientHash.NewRandom();
        var reference = Reference(TimeSpan.FromDays(1));
        var annotation = Annotation("bob\t7\t{\"type\":\"received\"}\n");
        var journal = Open(durable: true);
        var begun = journal.BeginAsync(hash, reference, writeHere: true, annotation, CancellationToken.None);
        Assert.True(begun.IsCompletedSuccessfully);
        await annotation.Carried.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(annotation.Carried.IsCompletedSuccessfully);

        // A release after the record took it changes nothing.
        annotation.Release();
        Assert.True(annotation.Carried.IsCompletedSuccessfully);
        await journal.CloseWithoutFlushAsync();

        await using var reopened = Open(durable: true);
        Assert.Equal([reference.Capability], reopened.Unfinished.Select(p => p.Reference.Capability));
        Assert.Equal(["bob\t7\t{\"type\":\"received\"}\n"], reopened.RecoveredAnnotations.Select(Text));
    }

    [Fact]
    public async Task An_ended_pulls_line_is_handed_back_at_every_open_until_released_then_the_next_write_drops_it()
    {
        var hash = RecipientHash.NewRandom();
        var ended = Reference(TimeSpan.FromDays(1));
        var expired = Reference(TimeSpan.FromMinutes(5));
        await using (var journal = Open())
        {
            await journal.BeginAsync(hash, ended, writeHere: false, Annotation("ended"), CancellationToken.None);
            await journal.BeginAsync(hash, expired, writeHere: false, Annotation("expired"), CancellationToken.None);
            journal.End(ended.Capability);
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        for (var start = 0; start < 2; start++)
        {
            await using var reopened = Open();
            Assert.Empty(reopened.Unfinished);
            Assert.Equal(["ended", "expired"], reopened.RecoveredAnnotations.Select(Text).Order());
        }

        await using (var released = Open())
        {
            released.ReleaseRecovered();
            var next = Reference(TimeSpan.FromDays(1));
            await released.BeginAsync(hash, next);
            released.End(next.Capability);
        }

        await using var after = Open();
        Assert.Empty(after.RecoveredAnnotations);
        Assert.Empty(after.Unfinished);
    }

    [Fact]
    public async Task A_running_rewrite_keeps_an_ended_pulls_line_until_its_maker_flushed_it()
    {
        var hash = RecipientHash.NewRandom();
        var unflushed = Annotation("kept");
        var flushed = Annotation("dropped");
        var first = Reference(TimeSpan.FromDays(1));
        var second = Reference(TimeSpan.FromDays(1));
        await using (var journal = Open(compactAfter: 4096))
        {
            await journal.BeginAsync(hash, first, writeHere: false, unflushed, CancellationToken.None);
            await journal.BeginAsync(hash, second, writeHere: false, flushed, CancellationToken.None);
            journal.End(first.Capability);
            journal.End(second.Capability);
            flushed.Flushed();
            for (var i = 0; i < 100; i++)
            {
                var reference = Reference(TimeSpan.FromDays(1));
                await journal.BeginAsync(hash, reference);
                journal.End(reference.Capability);
            }

            Assert.True(new FileInfo(FilePath).Length <= 4096 + 1024, $"{new FileInfo(FilePath).Length} bytes");
        }

        await using var reopened = Open();
        Assert.Equal(["kept"], reopened.RecoveredAnnotations.Select(Text));
    }

    [Fact]
    public async Task A_released_annotation_is_not_carried_and_its_record_is_written_without_it()
    {
        var hash = RecipientHash.NewRandom();
        var reference = Reference(TimeSpan.FromDays(1));
        var annotation = Annotation("late");
        annotation.Release();
        Assert.True(annotation.Carried.IsCanceled);

        var journal = Open(durable: true);
        await journal.BeginAsync(hash, reference, writeHere: true, annotation, CancellationToken.None);

        // A pull already open writes nothing and leaves a second annotation to its maker too.
        var again = Annotation("again");
        await journal.BeginAsync(hash, reference, writeHere: true, again, CancellationToken.None);
        again.Release();
        Assert.True(again.Carried.IsCanceled);
        await journal.CloseWithoutFlushAsync();

        await using var reopened = Open(durable: true);
        Assert.Single(reopened.Unfinished);
        Assert.Empty(reopened.RecoveredAnnotations);
    }

    [Fact]
    public async Task Records_written_without_an_annotation_as_before_it_existed_replay_as_they_did()
    {
        // The begun record of an older writer ends with its reference: what the codec writes with no annotation.
        var hash = RecipientHash.NewRandom();
        var open = Reference(TimeSpan.FromDays(1));
        var ended = Reference(TimeSpan.FromDays(1));
        var endedRecord = new byte[PullJournalCodec.EndedSize];
        PullJournalCodec.Ended(ended.Capability, endedRecord);
        File.WriteAllBytes(FilePath, [.. PullJournalCodec.Begun(hash, open)!, .. PullJournalCodec.Begun(hash, ended)!, .. endedRecord]);

        await using var journal = Open();
        var pull = Assert.Single(journal.Unfinished);
        Assert.Equal(open.Capability, pull.Reference.Capability);
        Assert.Equal(hash, pull.Hash);
        Assert.Empty(journal.RecoveredAnnotations);

        // And a record with one reads back its reference whole and the line apart.
        var carrying = PullJournalCodec.Begun(hash, open, "line"u8)!;
        Assert.Equal(carrying.Length, PullJournalCodec.TryRead(carrying, out var type, out var capability, out _, out var reference, out var line));
        Assert.Equal((PullJournalCodec.BegunType, open.Capability), (type, capability));
        Assert.Equal(open.FetchHints, reference!.FetchHints);
        Assert.Equal("line", Encoding.UTF8.GetString(line));
        Assert.Null(PullJournalCodec.Begun(hash, open, new byte[PullJournalCodec.MaxAnnotationBytes + 1]));
    }

    private static PullAnnotation Annotation(string line) => new() { Line = Encoding.UTF8.GetBytes(line) };

    private static string Text(ReadOnlyMemory<byte> line) => Encoding.UTF8.GetString(line.Span);

    private PullJournal Open(bool durable = false, long compactAfter = 16L << 20) =>
        PullJournal.Open(new PullJournalOptions { DataDirectory = _directory.Path, Durable = durable, CompactAfterBytes = compactAfter }, _time);

    private static PendingReference Reference(TimeSpan expiresIn) => new(
        FetchCapability.NewRandom(),
        "a.example",
        Bytes32.Random(),
        (Now + expiresIn).ToUnixTimeMilliseconds(),
        1024,
        Bytes32.Random(),
        "",
        ["tern+tcp://127.0.0.1:7401"],
        Now.ToUnixTimeMilliseconds(),
        sequence: 42,
        attempt: 1,
        NotificationFlags.None);
}
