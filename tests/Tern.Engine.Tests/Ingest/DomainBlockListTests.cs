using Tern.Engine.Ingest;

namespace Tern.Engine.Tests.Ingest;

public sealed class DomainBlockListTests
{
    [Fact]
    public void Names_are_normalized_once_each_and_every_change_is_reported_in_order()
    {
        var blocks = new DomainBlockList();
        var reported = new List<string[]>();
        blocks.Changed += domains => reported.Add([.. domains]);

        Assert.True(blocks.Add("Spam.Example."));
        Assert.False(blocks.Add("spam.example"));
        Assert.True(blocks.Add("b.example"));
        Assert.False(blocks.Remove("c.example"));
        Assert.True(blocks.Remove("SPAM.example"));

        Assert.Equal(["b.example"], blocks.Domains);
        Assert.Equal([["spam.example"], ["spam.example", "b.example"], ["b.example"]], reported);
        Assert.Throws<ArgumentException>(() => blocks.Add("not a domain"));
    }

    [Fact]
    public void Only_the_exact_domain_is_dropped_and_each_drop_is_counted()
    {
        var blocks = new DomainBlockList();
        blocks.Add("spam.example");

        Assert.True(blocks.Drops("spam.example"u8));
        Assert.True(blocks.Drops("spam.example"u8));
        Assert.False(blocks.Drops("sub.spam.example"u8));
        Assert.False(blocks.Drops("spam.example.org"u8));
        Assert.False(blocks.Drops("pam.example"u8));

        Assert.Equal([("spam.example", 2L)], blocks.Snapshot());
    }

    [Fact]
    public void The_per_record_check_does_not_allocate()
    {
        var blocks = new DomainBlockList();
        blocks.Add("spam.example");
        blocks.Add("other.example");
        blocks.Drops("x.example"u8);

        // Windows of 1000 checks: an allocation a check would show in each, a one-off of the runtime's in one.
        Assert.Equal(0, Allocations.FewestOf(3, () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                blocks.Drops("x.example"u8);
                blocks.Drops("spam.example"u8);
            }
        }));
    }
}
