using Tern.Engine.Pending;

namespace Tern.Engine.Tests.Pending;

public sealed unsafe class RecipientHintsTests
{
    [Fact]
    public void A_recorded_hash_is_guessed_one_sequence_at_a_time_and_another_hash_in_its_slot_is_not()
    {
        var hints = new RecipientHints(16);
        var state = (byte*)0x1000;
        Assert.False(hints.TryTake(5, out _, out _));

        hints.Record(5, 100, state);
        Assert.True(hints.TryTake(5, out var first, out var at));
        Assert.True(hints.TryTake(5, out var second, out _));
        Assert.Equal(100UL, first);
        Assert.Equal(101UL, second);
        Assert.True(at == state);

        // 21 lands in the same slot as 5 (16 slots) but is another hash: no guess, until it is recorded over 5.
        Assert.False(hints.TryTake(21, out _, out _));
        hints.Record(21, 7, null);
        Assert.False(hints.TryTake(5, out _, out _));
        Assert.True(hints.TryTake(21, out var other, out _));
        Assert.Equal(7UL, other);

        // An insert records the real next sequence, overriding guesses that ran ahead.
        hints.Record(21, 8, null);
        Assert.True(hints.TryTake(21, out var corrected, out _));
        Assert.Equal(8UL, corrected);
    }
}
