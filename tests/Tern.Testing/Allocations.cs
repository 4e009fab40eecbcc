namespace Tern.Testing;

/// <summary>
/// Bytes a piece of code allocates on the calling thread, measured so that a one-off of the runtime's (a method's tier-up,
/// a type's first use, bookkeeping a loaded machine happens to run on this thread) cannot pass for the code's own: the
/// code runs in several windows and the fewest bytes of any window is returned. An allocation the code makes each time
/// shows in every window; a one-off in one.
/// </summary>
public static class Allocations
{
    /// <summary>The fewest bytes allocated on this thread by any of <paramref name="windows"/> runs of <paramref name="window"/>.</summary>
    public static long FewestOf(int windows, Action window)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 2);
        var fewest = long.MaxValue;
        for (var i = 0; i < windows; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            window();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
