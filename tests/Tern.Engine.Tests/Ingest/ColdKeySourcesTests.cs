using Tern.Engine.Ingest;

namespace Tern.Engine.Tests.Ingest;

/// <summary>The per-source cold-key table: bounded, tagged, and keeping penalties over forgettable entries.</summary>
public sealed class ColdKeySourcesTests
{
    private const long Now = 1_000_000;

    private static ColdKeySources OneSet() => new(ColdKeySources.Ways, ratePerSecond: 1, burst: 2, TimeSpan.FromSeconds(60), TimeSpan.FromHours(1));

    private static void Spend(ColdKeySources table, int source, long now)
    {
        var entry = table.TryAdmit(source, 0, now, out _);
        Assert.True(entry >= 0);
        table.Spend(entry);
    }

    [Fact]
    public void A_source_has_its_own_bucket_and_is_charged_only_what_it_spends()
    {
        var table = OneSet();
        Spend(table, 1, Now);
        Spend(table, 1, Now);
        Assert.Equal(-1, table.TryAdmit(1, 0, Now, out _));     // burst of 2 spent
        Assert.True(table.TryAdmit(2, 0, Now, out _) >= 0);     // another source is not charged
        Assert.True(table.TryAdmit(2, 0, Now, out _) >= 0);     // admitting is not spending
        Assert.True(table.TryAdmit(1, 0, Now + 1000, out _) >= 0); // refilled at 1/s
    }

    [Fact]
    public void A_full_set_forgets_an_idle_clean_source_before_a_blocked_one()
    {
        var table = OneSet();
        for (var source = 1; source < ColdKeySources.Ways; source++)
        {
            table.Failed(table.TryAdmit(source, 0, Now, out _), Now);
        }

        Assert.True(table.TryAdmit(100, 0, Now, out _) >= 0);     // clean: the last way
        Assert.True(table.TryAdmit(101, 0, Now + 1, out _) >= 0); // takes the way of source 100, not a blocked one
        for (var source = 1; source < ColdKeySources.Ways; source++)
        {
            Assert.Equal(-1, table.TryAdmit(source, 0, Now + 2, out _));
        }
    }

    [Fact]
    public void When_every_source_of_a_set_is_blocked_newcomers_share_one_overflow_entry_and_nobody_is_forgiven()
    {
        var table = OneSet();
        for (var source = 1; source <= ColdKeySources.Ways; source++)
        {
            table.Failed(table.TryAdmit(source, 0, Now, out _), Now);
        }

        // A newcomer is admitted on the overflow entry; once it fails, the other newcomers of the set wait with it.
        var overflow = table.TryAdmit(99, 0, Now + 1, out _);
        Assert.True(overflow >= 0);
        table.Failed(overflow, Now + 1);
        Assert.Equal(-1, table.TryAdmit(100, 0, Now + 2, out _));
        Assert.Equal(-1, table.TryAdmit(99, 0, Now + 2, out _));
        for (var source = 1; source <= ColdKeySources.Ways; source++)
        {
            Assert.Equal(-1, table.TryAdmit(source, 0, Now + 2, out _));
        }

        // Penalties end (at most 60 s): every source is heard again.
        Assert.True(table.TryAdmit(1, 0, Now + 60_001, out _) >= 0);
        Assert.True(table.TryAdmit(100, 0, Now + 60_001, out _) >= 0);
    }

    [Fact]
    public void A_key_refused_by_the_global_budget_is_a_retry_when_the_same_source_sends_it_again()
    {
        var table = OneSet();
        var entry = table.TryAdmit(1, 0xabcdef, Now, out var retry);
        Assert.False(retry);
        table.RefusedGlobally(entry, 0xabcdef);

        table.TryAdmit(1, 0x123456, Now, out retry);
        Assert.False(retry);
        entry = table.TryAdmit(1, 0xabcdef, Now, out retry);
        Assert.True(retry);
        table.Spend(entry);
        table.TryAdmit(1, 0xabcdef, Now, out retry);
        Assert.False(retry); // spent: it was derived
    }
}
