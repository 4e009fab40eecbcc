using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Pending;

public sealed class RecipientStateCacheTests
{
    [Fact]
    public void Hashes_sharing_an_entry_are_told_apart_by_the_whole_hash()
    {
        var cache = new RecipientStateCache(entries: 1024, stripes: 1024); // one entry per stripe
        var a = Hash(1);
        var b = Hash(2);
        cache.Set(7, hashCode: 11, ref a, new RecipientState { NextSequence = 100, FirstSequence = 90, Count = 3 });

        Assert.True(cache.TryGet(7, 11, ref a, out var state));
        Assert.Equal((100UL, 90UL, 3), (state.NextSequence, state.FirstSequence, state.Count));
        Assert.False(cache.TryGet(7, 11, ref b, out _)); // same entry, another hash

        cache.Forget(7, 11, ref b); // not the entry's hash: nothing forgotten
        Assert.True(cache.TryGet(7, 11, ref a, out _));

        cache.Set(7, 11, ref b, new RecipientState { NextSequence = 5, Count = 1 });
        Assert.False(cache.TryGet(7, 11, ref a, out _));
        Assert.True(cache.TryGet(7, 11, ref b, out state));
        Assert.Equal(5UL, state.NextSequence);

        cache.Forget(7, 11, ref b);
        Assert.False(cache.TryGet(7, 11, ref b, out _));
    }

    [Fact]
    public void Each_stripe_has_entries_of_its_own()
    {
        var cache = new RecipientStateCache(entries: 4096, stripes: 1024);
        var a = Hash(1);
        var b = Hash(2);
        cache.Set(1, 3, ref a, new RecipientState { NextSequence = 1 });
        cache.Set(2, 3, ref b, new RecipientState { NextSequence = 2 }); // same hash code, another stripe

        Assert.True(cache.TryGet(1, 3, ref a, out var first));
        Assert.True(cache.TryGet(2, 3, ref b, out var second));
        Assert.Equal((1UL, 2UL), (first.NextSequence, second.NextSequence));
    }

    [Theory]
    [InlineData(1000, 1024)]
    [InlineData(512, 1024)]
    public void Sizes_that_are_not_a_power_of_two_of_at_least_one_per_stripe_are_refused(int entries, int stripes)
        => Assert.Throws<ArgumentOutOfRangeException>(nameof(entries), () => new RecipientStateCache(entries, stripes));

    private static Bytes32 Hash(byte seed)
    {
        var bytes = new byte[Bytes32.Size];
        bytes[0] = seed;
        return new Bytes32(bytes);
    }
}
