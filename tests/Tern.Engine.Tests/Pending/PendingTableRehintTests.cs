using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

/// <summary>docs/PROTOCOL.md §4.5: a duplicate notification that brings new fetch hints, flags or sender key.</summary>
public sealed class PendingTableRehintTests : IDisposable
{
    private static readonly string[] NewDoors = ["tern+tcp://gw.example.net:9443", "https://gw.example.net:8443/v1/blobs"];

    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_duplicate_with_new_fetch_hints_replaces_them_in_place_and_keeps_them_across_a_reopen()
    {
        var hash = Hash(1);
        ulong cursor;
        ulong sequence;
        using (var table = _fixture.Open())
        {
            sequence = Insert(table, Capability(1), hash).Sequence;
            Insert(table, Capability(2), hash);
            cursor = table.Poll(hash, 0, 10).NextCursor;

            var again = Insert(table, Capability(1), hash, fetchHints: NewDoors, attempt: 7, receivedAtMs: StartMs + 5000, mime: "image/png");

            Assert.Equal(PendingInsertResult.Duplicate(sequence), again);
            Assert.Equal(1, table.SenderProfileUpdates);
            Assert.Equal(2, table.Count);
            Assert.Equal(2, table.GetSenderDomainCount("sender.example"));
            Assert.Empty(table.Poll(hash, cursor, 10).References);
            var updated = Assert.Single(PollAll(table, hash), r => r.Capability == Capability(1));
            Assert.Equal(NewDoors, updated.FetchHints);
            Assert.Equal(sequence, updated.Sequence);

            // Everything but the key, the hints and the flags stays as the first notification filed it.
            Assert.Equal(3, updated.Attempt);
            Assert.Equal(StartMs, updated.ReceivedAtMs);
            Assert.Equal(ExpiryMs, updated.TransitExpiryMs);
            Assert.Equal(1234, updated.PayloadSize);
            Assert.Equal(PayloadHashOf(Capability(1)), updated.PayloadHash);
            Assert.Equal("text/plain", updated.MimeHint);
            Assert.NotEqual(NewDoors, Assert.Single(PollAll(table, hash), r => r.Capability == Capability(2)).FetchHints);
            Assert.Equal(NewDoors, table.Find(Capability(1), out _)!.FetchHints);
            await table.TakeCheckpointAsync();
        }

        using var reopened = _fixture.Open();
        var recovered = Assert.Single(PollAll(reopened, hash), r => r.Capability == Capability(1));
        Assert.Equal(NewDoors, recovered.FetchHints);
        Assert.Equal(sequence, recovered.Sequence);
        Assert.Equal(2, reopened.Count);
    }

    [Fact]
    public void A_duplicate_with_another_key_or_the_via_gateway_flag_replaces_them_and_retraction_follows_the_new_key()
    {
        using var table = _fixture.Open();
        var hash = Hash(3);
        var sequence = Insert(table, Capability(5), hash).Sequence;
        var gatewayKey = Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray();

        Assert.Equal(PendingInsertResult.Duplicate(sequence), Insert(table, Capability(5), hash, flags: NotificationFlags.ViaGateway, senderKey: gatewayKey));

        var reference = Assert.Single(PollAll(table, hash));
        Assert.Equal(NotificationFlags.ViaGateway, reference.Flags);
        Assert.Equal(new Bytes32(gatewayKey), reference.SenderKey);
        Assert.Equal(sequence, reference.Sequence);
        Assert.False(table.Retract(Capability(5), hash, SenderKey, StartMs));
        Assert.True(table.Retract(Capability(5), hash, gatewayKey, StartMs));
    }

    [Fact]
    public void An_identical_duplicate_writes_nothing_and_one_claiming_another_hash_or_domain_changes_nothing()
    {
        using var table = _fixture.Open();
        var hash = Hash(2);
        Insert(table, Capability(9), hash);
        var tail = table.RefLogTailAddress;

        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(9), hash, attempt: 4).Status);
        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(9), Hash(8), fetchHints: NewDoors).Status);
        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(9), hash, domain: "other.example", fetchHints: NewDoors).Status);

        Assert.Equal(tail, table.RefLogTailAddress);
        Assert.Equal(0, table.SenderProfileUpdates);
        Assert.NotEqual(NewDoors, Assert.Single(PollAll(table, hash)).FetchHints);
        Assert.Empty(PollAll(table, Hash(8)));
    }
}
