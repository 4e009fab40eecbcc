using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Pending;

public sealed class PullPreferenceTableTests
{
    [Fact]
    public void Unset_pairs_get_the_protocol_default_and_a_set_pair_only_its_own()
    {
        var table = new PullPreferenceTable();
        var bob = RecipientHash.NewRandom();
        var carol = RecipientHash.NewRandom();

        Assert.Equal(PullPreference.WhenRequested, table.Lookup(bob, "a.example"u8));

        table.Set(bob, "A.Example", PullPreference.Immediately);
        table.Set(bob, "spam.example", PullPreference.Ignore);

        Assert.Equal(PullPreference.Immediately, table.Lookup(bob, "a.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(bob, "spam.example"u8));
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(bob, "c.example"u8));
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(carol, "a.example"u8));
    }

    [Fact]
    public void Setting_a_pair_again_replaces_its_preference()
    {
        var table = new PullPreferenceTable();
        var bob = RecipientHash.NewRandom();

        table.Set(bob, "a.example", PullPreference.Immediately);
        table.Set(bob, "a.example", PullPreference.Ignore);

        Assert.Equal(PullPreference.Ignore, table.Lookup(bob, "a.example"u8));
    }
}
