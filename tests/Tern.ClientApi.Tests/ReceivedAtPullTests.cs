using System.Net;
using System.Text;
using Tern.ClientApi.Events;

namespace Tern.ClientApi.Tests;

/// <summary>
/// Two nodes as <c>tern run</c> composes them: a reference bob pulls at once is told to him by a <c>received</c> line that
/// rides the pull journal's begun record, and neither it nor the <c>pulled</c> line that rides the commit record costs a
/// flush of <c>events.log</c> (docs/ARCHITECTURE.md §5.2, §5.6).
/// </summary>
public sealed class ReceivedAtPullTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("received-at-pull");
    private ApiNode _a = null!;
    private ApiNode _b = null!;

    public async Task InitializeAsync()
    {
        // No checkpoint of the message store in the test's time: its wait for the event log's flush would take the lines along.
        var quiet = new Dictionary<string, string?> { ["Tern:Messages:CheckpointInterval"] = "01:00:00" };
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"));
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"), quiet);
        _a.Introduce(_b);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Bob_is_told_of_a_reference_pulled_at_once_from_the_journals_record_without_a_flush_of_the_event_log()
    {
        var (alice, _) = _a.AddUser("alice");
        var (bob, _) = _b.AddUser("bob");
        var hash = Api.NewHash();
        await bob.PutAsync($"/v1/hashes/{hash}", null);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.PutJsonAsync(bob, "/v1/preferences/a.example", new { pull = "immediately" })).StatusCode);
        var log = _b.Service<EventHooks>().Log!;
        await log.FlushedAsync();
        var flushes = log.Flushes;
        var journalWrites = _b.Node.PullJournal.Writes;

        await Api.JsonAsync(await Api.SubmitAsync(alice, new byte[1024], [$"{hash}@b.example"]), HttpStatusCode.Created);
        List<System.Text.Json.JsonElement> events = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            events = (await Api.JsonAsync(await bob.GetAsync("/v1/events?after=0"))).GetProperty("events").EnumerateArray().ToList();
            return events.Any(e => e.GetProperty("type").GetString() == UserEvents.Pulled);
        }, TimeSpan.FromSeconds(20)));

        var received = Assert.Single(events, e => e.GetProperty("type").GetString() == UserEvents.Received);
        var pulled = Assert.Single(events, e => e.GetProperty("type").GetString() == UserEvents.Pulled);
        var capability = received.GetProperty("capability").GetString()!;
        Assert.Equal(capability, pulled.GetProperty("id").GetString());
        Assert.True(ulong.Parse(received.GetProperty("sequence").GetString()!) < ulong.Parse(pulled.GetProperty("sequence").GetString()!));

        // The line bob read is the one the journal's record carries (the record stays in the file until a rewrite).
        var journal = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(_directory.File("b"), "state", Tern.Engine.Pull.PullJournalOptions.FileName)));
        Assert.Contains($"bob\t{received.GetProperty("sequence").GetString()}\t", journal, StringComparison.Ordinal);
        Assert.Contains(capability, journal, StringComparison.Ordinal);
        Assert.Equal(journalWrites + 1, _b.Node.PullJournal.Writes);

        // Neither line flushed events.log: the journal's record and the commit record hold them.
        Assert.Equal(flushes, log.Flushes);
    }
}
