using Tern.Engine.Pending;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

/// <summary>The point lookup by capability the client API's actions and its listing across hashes read references with.</summary>
public sealed class PendingTableFindTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Find_answers_a_live_reference_with_its_hash_and_nothing_once_it_is_removed_or_expired()
    {
        using var table = _fixture.Open();
        Insert(table, Capability(1), Hash(1));
        Insert(table, Capability(2), Hash(2), domain: "other.example");
        Insert(table, Capability(3), Hash(2), expiryMs: StartMs + 1000);

        var found = table.Find(Capability(2), out var hash);
        Assert.NotNull(found);
        Assert.Equal(Hash(2), hash);
        Assert.Equal(Capability(2), found.Capability);
        Assert.Equal("other.example", found.SenderDomain);
        Assert.Equal(PollAll(table, Hash(2)).Single(r => r.Capability == Capability(2)).Sequence, found.Sequence);

        Assert.Null(table.Find(Capability(9), out hash));
        Assert.Equal(default, hash);

        Assert.True(table.Remove(Capability(1), PendingRemoval.Ignored));
        Assert.Null(table.Find(Capability(1), out hash));
        Assert.Equal(default, hash);

        Assert.NotNull(table.Find(Capability(3), out _));
        _fixture.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Null(table.Find(Capability(3), out _));
        Assert.NotNull(table.Find(Capability(2), out _));
    }
}
