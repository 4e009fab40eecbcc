using System.Text.Json;
using Tern.ClientApi.Labels;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;

namespace Tern.ClientApi.Tests;

/// <summary>
/// The label index against the message store across restarts: a stored or deleted message changes only memory (the
/// pull that stores it waits for no label file write), and a restart without the stop's flush — a crash — lists what
/// the message store holds: messages the file lacks in the inbox after every order handed out before, messages deleted
/// since the file was written gone, and the labels a user set kept.
/// </summary>
public sealed class LabelIndexTests : IDisposable
{
    private readonly TempDirectory _directory = new("labels");
    private readonly RecipientHash _hash = RecipientHash.NewRandom();
    private readonly UserDirectory _users;

    public LabelIndexTests()
    {
        _users = UserDirectory.Open(_directory.Path);
        _users.Add("bob", "bob@b.example");
        Assert.Equal(HashRegistration.Added, _users.RegisterHash(_users.ByName("bob")!, _hash, RegisteredHash.Default));
    }

    public void Dispose() => _directory.Dispose();

    private string LabelDirectory => _directory.File("clientapi", "labels");

    private string LabelFile => Path.Combine(LabelDirectory, "bob.json");

    [Fact]
    public async Task After_a_crash_the_index_lists_what_the_store_holds_after_every_order_handed_out_and_keeps_set_labels()
    {
        var store = Store();
        var labels = new LabelIndex(LabelDirectory, store, _users);
        var first = await StoreAsync(store, labels);
        Assert.Equal(LabelChange.Changed, labels.Change("bob", first.Id, ["work"], [], read: true, out _));
        var deleted = await StoreAsync(store, labels);
        var second = await StoreAsync(store, labels);
        var third = await StoreAsync(store, labels);
        Assert.True(store.Delete(_hash, deleted.Capability));
        labels.Deleted("bob", deleted.Id);
        var before = labels.List("bob", null, 0, 100).Page;
        Assert.Equal([first.Id, second.Id, third.Id], before.Select(e => e.Id));

        // Storing and deleting wrote nothing: the file is as the label change left it.
        Assert.Equal([first.Id], FileIds());

        // A restart with no flush, as after a crash: a fresh index over the same files.
        var restarted = new LabelIndex(LabelDirectory, Store(), _users);
        var after = restarted.List("bob", null, 0, 100).Page;
        Assert.Equal([first.Id, second.Id, third.Id], after.Select(e => e.Id));
        Assert.Equal(["inbox", "work"], after[0].Labels);
        Assert.True(after[0].Read);
        Assert.Equal(["inbox"], after[1].Labels);
        Assert.Equal(["inbox"], after[2].Labels);

        // Each message the file lacked comes after every order the first index gave out: a client's cursor misses none.
        var highest = before.Max(e => e.Order);
        Assert.All(after.Skip(1), e => Assert.True(e.Order > highest, $"order {e.Order} not after {highest}"));
        Assert.Equal([second.Id, third.Id], restarted.List("bob", null, highest, 100).Page.Select(e => e.Id));

        // The reconciled state was written, so a second restart lists the same orders.
        var again = new LabelIndex(LabelDirectory, Store(), _users).List("bob", null, 0, 100).Page;
        Assert.Equal(after.Select(e => (e.Id, e.Order)), again.Select(e => (e.Id, e.Order)));
    }

    [Fact]
    public async Task A_message_still_committing_is_neither_listed_nor_found_and_no_cursor_passes_it()
    {
        var store = Store();
        var labels = new LabelIndex(LabelDirectory, store, _users);
        var first = await StoreAsync(store, labels);
        var committing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = Message(FetchCapability.NewRandom());
        var failed = Message(FetchCapability.NewRandom());
        labels.Stored("bob", pending, committing.Task);
        labels.Stored("bob", failed, failing.Task);
        var after = await StoreAsync(store, labels);

        // The page ends before the message still committing, with more to come; the one stored after waits behind it.
        var (page, next, more) = labels.List("bob", null, 0, 100);
        Assert.Equal([first.Id], page.Select(e => e.Id));
        Assert.True(more);
        Assert.Null(labels.Find("bob", pending.Capability.ToString()));
        Assert.Equal(LabelChange.NotFound, labels.Change("bob", pending.Capability.ToString(), ["work"], [], read: null, out _));

        committing.SetResult();
        failing.SetException(new IOException("the commit failed"));
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(labels.Find("bob", pending.Capability.ToString()) is not null)));
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(labels.List("bob", null, next, 100).Page.Count == 2)));
        Assert.Equal([pending.Capability.ToString(), after.Id], labels.List("bob", null, next, 100).Page.Select(e => e.Id));
        Assert.Null(labels.Find("bob", failed.Capability.ToString()));
    }

    private StoredMessage Message(FetchCapability capability) =>
        new(_hash, capability, "a.example", 100, PayloadTree.Hash(new byte[100]), "text/plain", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task A_message_stored_while_nobody_told_the_index_is_listed_after_a_restart()
    {
        var store = Store();
        var labels = new LabelIndex(LabelDirectory, store, _users);
        var told = await StoreAsync(store, labels);
        labels.Flush();

        // Stored while the client API was stopped (its hook detached): the index never heard of it.
        var untold = await StoreAsync(store, labels: null);
        var listed = new LabelIndex(LabelDirectory, Store(), _users).List("bob", null, 0, 100).Page;
        Assert.Equal([told.Id, untold.Id], listed.Select(e => e.Id));
        Assert.Equal(["inbox"], listed[1].Labels);
    }

    [Fact]
    public async Task The_stop_flush_writes_what_memory_holds_so_a_restart_lists_the_same_orders()
    {
        var store = Store();
        var labels = new LabelIndex(LabelDirectory, store, _users);
        var kept = await StoreAsync(store, labels);
        var deleted = await StoreAsync(store, labels);
        var last = await StoreAsync(store, labels);
        Assert.True(store.Delete(_hash, deleted.Capability));
        labels.Deleted("bob", deleted.Id);
        var before = labels.List("bob", null, 0, 100).Page;

        labels.Flush();
        Assert.Equal([kept.Id, last.Id], FileIds());
        var after = new LabelIndex(LabelDirectory, Store(), _users).List("bob", null, 0, 100).Page;
        Assert.Equal(before.Select(e => (e.Id, e.Order)), after.Select(e => (e.Id, e.Order)));
    }

    [Fact]
    public async Task A_message_committed_and_not_yet_named_is_listed_when_the_index_loads_its_user_and_takes_labels()
    {
        // The store holds the naming: the message's record is durable, its .blob not yet in place.
        var store = Store();
        var naming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeNaming = () =>
        {
            naming.TrySetResult();
            return release.Task;
        };

        var capability = FetchCapability.NewRandom();
        var (size, hash) = await FetchPartialAsync(store, capability);

        var commit = store.CommitAsync(_hash, capability, "a.example", size, hash, "text/plain");
        await naming.Task;
        var labels = new LabelIndex(LabelDirectory, store, _users);
        var entry = Assert.Single(labels.List("bob", null, 0, 100).Page);
        Assert.Equal(capability.ToString(), entry.Id);
        Assert.Equal(LabelChange.Changed, labels.Change("bob", entry.Id, ["work"], [], read: true, out _));

        release.TrySetResult();
        await commit;
        Assert.Equal(["inbox", "work"], Assert.Single(labels.List("bob", null, 0, 100).Page).Labels);
    }

    private MessageStore Store() => new(new MessageStoreOptions { DataDirectory = _directory.Path });

    /// <summary>A verified 100-byte partial file for bob's hash, as a pull leaves it before the commit: its size and payload hash.</summary>
    private async Task<(long Size, Bytes32 Hash)> FetchPartialAsync(MessageStore store, FetchCapability capability)
    {
        var payload = new byte[100];
        Random.Shared.NextBytes(payload);
        var hash = PayloadTree.Hash(payload);
        await using (var file = store.OpenPartial(_hash, capability, new PayloadVerifier(payload.Length, hash)))
        {
            await file.WriteAsync(payload);
            Assert.True(file.TryComplete());
        }

        return (payload.Length, hash);
    }

    /// <summary>A 100-byte message committed to the store for bob's hash and, when given, told to the index as the hook does.</summary>
    private async Task<(string Id, FetchCapability Capability)> StoreAsync(MessageStore store, LabelIndex? labels)
    {
        var capability = FetchCapability.NewRandom();
        var (size, hash) = await FetchPartialAsync(store, capability);

        var message = store.Commit(_hash, capability, "a.example", size, hash, "text/plain");
        labels?.Stored("bob", message);

        // Distinct stored times, so the store's order is the order of these calls.
        await Task.Delay(2);
        return (capability.ToString(), capability);
    }

    private List<string> FileIds()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(LabelFile));
        return [.. json.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }
}
