using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// The recipient's pull journal (docs/ARCHITECTURE.md §5.6) on real files: what a crash between a pull's begun and ended
/// records leaves is replayed as a pull to resume with every field a re-file and a pull need, what ended or expired is
/// dropped, the file is rewritten with only the open pulls, and a torn last record is ignored.
/// </summary>
public sealed class PullJournalTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] DefaultHints = ["tern+tcp://127.0.0.1:7401"];
    private readonly TempDirectory _directory = new("pull-journal");
    private readonly ManualClock _time = new(Now);

    public void Dispose() => _directory.Dispose();

    private string FilePath => _directory.File(PullJournalOptions.FileName);

    [Fact]
    public async Task A_pull_begun_and_not_ended_when_the_process_dies_is_replayed_with_its_whole_reference()
    {
        var hash = RecipientHash.NewRandom();
        var reference = Reference(expiresIn: TimeSpan.FromDays(1), hints: ["tern+tcp://127.0.0.1:7401", "https://a.example/v1/blobs"], mime: "text/plain", flags: NotificationFlags.ViaGateway);
        var journal = Open(durable: true);
        await journal.BeginAsync(hash, reference);
        await journal.CloseWithoutFlushAsync();

        await using var reopened = Open(durable: true);
        var pull = Assert.Single(reopened.Unfinished);
        Assert.Equal(hash, pull.Hash);
        var back = pull.Reference;
        Assert.Equal(reference.Capability, back.Capability);
        Assert.Equal(reference.SenderDomain, back.SenderDomain);
        Assert.Equal(reference.SenderKey, back.SenderKey);
        Assert.Equal(reference.PayloadSize, back.PayloadSize);
        Assert.Equal(reference.PayloadHash, back.PayloadHash);
        Assert.Equal(reference.TransitExpiryMs, back.TransitExpiryMs);
        Assert.Equal(reference.MimeHint, back.MimeHint);
        Assert.Equal(reference.FetchHints, back.FetchHints);
        Assert.Equal(reference.Flags, back.Flags);
        Assert.Equal(reference.Attempt, back.Attempt);
        Assert.True(reopened.IsOpen(reference.Capability));
    }

    [Fact]
    public async Task A_record_written_on_the_callers_thread_is_durable_when_the_call_returns_and_a_crash_then_replays_it()
    {
        var hash = RecipientHash.NewRandom();
        var here = Reference(TimeSpan.FromDays(1));
        var pooled = Reference(TimeSpan.FromDays(1));
        var journal = Open(durable: true);
        var begun = journal.BeginAsync(hash, here, writeHere: true, CancellationToken.None);
        Assert.True(begun.IsCompletedSuccessfully);
        Assert.Equal(1, journal.Writes);

        // Without it, the pool's writer writes as before; a pull already open writes nothing, here or not.
        await journal.BeginAsync(hash, pooled);
        Assert.True(journal.BeginAsync(hash, here, writeHere: true, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(2, journal.Writes);
        await journal.CloseWithoutFlushAsync();

        await using var reopened = Open(durable: true);
        Assert.Equal([here.Capability, pooled.Capability], reopened.Unfinished.Select(p => p.Reference.Capability));
    }

    [Fact]
    public async Task Ended_and_expired_pulls_are_dropped_at_open_and_the_file_keeps_only_the_open_ones()
    {
        var hash = RecipientHash.NewRandom();
        var ended = Reference(TimeSpan.FromDays(1));
        var expiring = Reference(TimeSpan.FromMinutes(5));
        var open = Reference(TimeSpan.FromDays(1));
        await using (var journal = Open())
        {
            await journal.BeginAsync(hash, ended);
            await journal.BeginAsync(hash, expiring);
            await journal.BeginAsync(hash, open);
            journal.End(ended.Capability);
            Assert.Equal(2, journal.OpenCount);
        }

        var written = new FileInfo(FilePath).Length;
        _time.Advance(TimeSpan.FromMinutes(10));
        await using (var reopened = Open())
        {
            Assert.Equal([open.Capability], reopened.Unfinished.Select(p => p.Reference.Capability));
            Assert.False(reopened.IsOpen(ended.Capability));
            Assert.False(reopened.IsOpen(expiring.Capability));
        }

        // Compacted: the one open record is what is left (a third of the three begun records, no ended one).
        var compacted = new FileInfo(FilePath).Length;
        Assert.True(compacted * 3 < written + 100, $"{compacted} bytes left of {written}");
        await using var again = Open();
        Assert.Equal([open.Capability], again.Unfinished.Select(p => p.Reference.Capability));
    }

    [Fact]
    public async Task A_torn_last_record_is_ignored_and_the_records_before_it_replayed()
    {
        var hash = RecipientHash.NewRandom();
        var first = Reference(TimeSpan.FromDays(1));
        var second = Reference(TimeSpan.FromDays(1));
        var journal = Open();
        await journal.BeginAsync(hash, first);
        var afterFirst = new FileInfo(FilePath).Length;
        await journal.BeginAsync(hash, second);
        await journal.CloseWithoutFlushAsync();

        // A crash inside the second write: its record cut short, then a byte of it flipped.
        var whole = File.ReadAllBytes(FilePath);
        File.WriteAllBytes(FilePath, whole[..(int)(afterFirst + ((whole.Length - afterFirst) / 2))]);
        await using (var cut = Open())
        {
            Assert.Equal([first.Capability], cut.Unfinished.Select(p => p.Reference.Capability));
        }

        var damaged = whole.ToArray();
        damaged[^3] ^= 0x40;
        File.WriteAllBytes(FilePath, damaged);
        await using var flipped = Open();
        Assert.Equal([first.Capability], flipped.Unfinished.Select(p => p.Reference.Capability));
    }

    [Fact]
    public async Task An_ended_record_waits_for_the_next_write_and_a_crash_before_it_leaves_the_pull_to_resume()
    {
        var hash = RecipientHash.NewRandom();
        var first = Reference(TimeSpan.FromDays(1));
        var journal = Open();
        await journal.BeginAsync(hash, first);
        journal.End(first.Capability);
        var writes = journal.Writes;
        await journal.CloseWithoutFlushAsync();
        Assert.Equal(1, writes);

        // The ended record was not written: the next start resumes the pull (and finds it stored, or pulls it again).
        await using var reopened = Open();
        Assert.Equal([first.Capability], reopened.Unfinished.Select(p => p.Reference.Capability));
    }

    [Fact]
    public async Task Pulls_that_begin_together_share_writes_and_a_pull_begun_again_writes_nothing()
    {
        var hash = RecipientHash.NewRandom();
        var references = Enumerable.Range(0, 64).Select(_ => Reference(TimeSpan.FromDays(1))).ToArray();
        await using var journal = Open(durable: true);
        await Task.WhenAll(references.Select(r => Task.Run(() => journal.BeginAsync(hash, r))));
        Assert.InRange(journal.Writes, 1, 64);
        var writes = journal.Writes;

        // A retry of an open pull: already durable, nothing written.
        await journal.BeginAsync(hash, references[0]);
        Assert.Equal(writes, journal.Writes);
        Assert.Equal(64, journal.OpenCount);
    }

    [Fact]
    public async Task Past_its_size_bound_the_running_journal_is_rewritten_with_the_open_pulls_alone()
    {
        var hash = RecipientHash.NewRandom();
        var kept = Reference(TimeSpan.FromDays(1));
        await using (var journal = Open(compactAfter: 4096))
        {
            await journal.BeginAsync(hash, kept);
            for (var i = 0; i < 100; i++)
            {
                var reference = Reference(TimeSpan.FromDays(1));
                await journal.BeginAsync(hash, reference);
                journal.End(reference.Capability);
            }

            Assert.True(new FileInfo(FilePath).Length <= 4096 + 1024, $"{new FileInfo(FilePath).Length} bytes");
            Assert.Equal(1, journal.OpenCount);
        }

        await using var reopened = Open();
        Assert.Equal([kept.Capability], reopened.Unfinished.Select(p => p.Reference.Capability));
    }

    private PullJournal Open(bool durable = false, long compactAfter = 16L << 20) =>
        PullJournal.Open(new PullJournalOptions { DataDirectory = _directory.Path, Durable = durable, CompactAfterBytes = compactAfter }, _time);

    private static PendingReference Reference(TimeSpan expiresIn, IReadOnlyList<string>? hints = null, string mime = "", NotificationFlags flags = NotificationFlags.None) => new(
        FetchCapability.NewRandom(),
        "a.example",
        Bytes32.Random(),
        (Now + expiresIn).ToUnixTimeMilliseconds(),
        123_456,
        Bytes32.Random(),
        mime,
        hints ?? DefaultHints,
        Now.ToUnixTimeMilliseconds(),
        sequence: 42,
        attempt: 3,
        flags);
}
