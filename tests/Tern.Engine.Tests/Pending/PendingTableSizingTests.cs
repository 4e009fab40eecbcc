using Tern.Engine.Pending;

namespace Tern.Engine.Tests.Pending;

/// <summary><see cref="PendingTableOptions.ForReferences"/>: sizes that hold a known load in memory, within the small and default bounds.</summary>
public sealed class PendingTableSizingTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void A_few_references_get_the_small_sizes()
    {
        var sized = PendingTableOptions.ForReferences("d", 100);
        var small = PendingTableOptions.Small("d");
        Assert.Equal(small.RefIndexBytes, sized.RefIndexBytes);
        Assert.Equal(small.CapabilityIndexBytes, sized.CapabilityIndexBytes);
        Assert.Equal(small.RecipientIndexBytes, sized.RecipientIndexBytes);
        Assert.Equal(small.RefLogMemoryBytes, sized.RefLogMemoryBytes);
        Assert.Equal(small.PageBytes, sized.PageBytes);
        sized.Validate();
    }

    [Fact]
    public void A_million_references_get_indexes_of_about_sixteen_bytes_a_key_and_logs_that_hold_them()
    {
        var sized = PendingTableOptions.ForReferences("d", 1_000_000);
        Assert.Equal(1L << 24, sized.RefIndexBytes);
        Assert.Equal(1L << 24, sized.CapabilityIndexBytes);
        Assert.Equal(1L << 24, sized.RecipientIndexBytes);
        Assert.Equal(1L << 28, sized.RefLogMemoryBytes);
        Assert.Equal(1L << 27, sized.CapabilityLogMemoryBytes);
        Assert.Equal(1L << 27, sized.RecipientLogMemoryBytes);
        Assert.Equal(1L << 21, sized.PageBytes);
        sized.Validate();
    }

    [Theory]
    [InlineData(630_000, 1L << 23)] // 7.6 MB at 12 B a key; 16 B a key took 16 MiB, twice the index, copied into every checkpoint.
    [InlineData(700_000, 1L << 24)] // 8.4 MB: the next power of two.
    public void An_index_is_the_power_of_two_at_or_above_twelve_bytes_a_key(long references, long indexBytes)
    {
        var sized = PendingTableOptions.ForReferences("d", references);
        Assert.Equal(indexBytes, sized.RefIndexBytes);
        Assert.Equal(indexBytes, sized.CapabilityIndexBytes);
        Assert.Equal(indexBytes, sized.RecipientIndexBytes);
    }

    [Fact]
    public void A_load_past_the_defaults_keeps_the_defaults()
    {
        var sized = PendingTableOptions.ForReferences("d", 10_000_000_000);
        var defaults = new PendingTableOptions();
        Assert.Equal(defaults.RefIndexBytes, sized.RefIndexBytes);
        Assert.Equal(defaults.RecipientIndexBytes, sized.RecipientIndexBytes);
        Assert.Equal(defaults.RefLogMemoryBytes, sized.RefLogMemoryBytes);
        Assert.Equal(defaults.PageBytes, sized.PageBytes);
        sized.Validate();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3_000)]
    [InlineData(70_000)]
    [InlineData(450_000)]
    public void Every_size_opens_a_table_that_files_and_finds_a_reference(long references)
    {
        var options = PendingTableOptions.ForReferences(Path.Combine(_fixture.Directory, "sized"), references);
        options.TimeProvider = _fixture.Clock;
        using var table = new PendingTable(options);
        var (capability, hash) = (PendingFixture.Capability(references), PendingFixture.Hash(references));
        Assert.Equal(PendingInsertStatus.Inserted, PendingFixture.Insert(table, capability, hash).Status);
        Assert.Equal(PendingInsertStatus.Duplicate, PendingFixture.Insert(table, capability, hash).Status);
    }

    [Fact]
    public void A_negative_count_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PendingTableOptions.ForReferences("d", -1));
}
