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

    [Fact]
    public void The_operators_override_wins_over_the_users_choice_for_its_pair_and_taking_it_back_restores_the_users()
    {
        var table = new PullPreferenceTable();
        var bob = RecipientHash.NewRandom();
        table.Set(bob, "a.example", PullPreference.Immediately);
        table.SetDefault(bob, PullPreference.Ignore);

        table.SetOperator(bob, "A.example", PullPreference.WhenRequested);
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(bob, "a.example"u8));

        // A user's later change of the same pair does not undo the operator's override.
        table.Set(bob, "a.example", PullPreference.Ignore);
        Assert.Equal(PullPreference.WhenRequested, table.Lookup(bob, "a.example"u8));

        table.SetOperator(bob, "a.example", null);
        Assert.Equal(PullPreference.Ignore, table.Lookup(bob, "a.example"u8));
        Assert.Empty(table.OperatorEntries());
    }

    [Fact]
    public void The_operators_default_for_a_hash_gives_way_to_the_users_choice_for_a_domain_but_not_to_the_users_default()
    {
        var table = new PullPreferenceTable(PullPreference.Immediately);
        var bob = RecipientHash.NewRandom();
        var carol = RecipientHash.NewRandom();
        table.Set(bob, "friend.example", PullPreference.Immediately);
        table.SetDefault(bob, PullPreference.WhenRequested);

        table.SetOperator(bob, null, PullPreference.Ignore);
        table.SetOperator(carol, null, PullPreference.Ignore);

        Assert.Equal(PullPreference.Immediately, table.Lookup(bob, "friend.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(bob, "spam.example"u8));
        Assert.Equal(PullPreference.Ignore, table.Lookup(carol, "spam.example"u8));
        Assert.Equal(PullPreference.Immediately, table.Lookup(RecipientHash.NewRandom(), "spam.example"u8));
    }

    [Fact]
    public void Each_change_of_the_operators_layer_is_announced_with_all_of_it()
    {
        var table = new PullPreferenceTable();
        var bob = RecipientHash.NewRandom();
        var seen = new List<IReadOnlyList<OperatorPreference>>();
        table.OperatorChanged += seen.Add;

        table.Set(bob, "a.example", PullPreference.Ignore);
        table.SetOperator(bob, "b.example", PullPreference.Ignore);
        table.SetOperator(bob, null, PullPreference.Immediately);
        table.SetOperator(bob, "b.example", null);

        Assert.Equal(3, seen.Count);
        Assert.Equal(
            [new OperatorPreference(bob, "b.example", PullPreference.Ignore), new OperatorPreference(bob, null, PullPreference.Immediately)],
            seen[1].OrderBy(e => e.SenderDomain ?? "").Reverse());
        Assert.Equal([new OperatorPreference(bob, null, PullPreference.Immediately)], seen[2]);
    }
}
