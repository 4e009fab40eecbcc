using Tern.Node.Surfaces;

namespace Tern.Node.Tests;

/// <summary>
/// <see cref="ThreadPoolHop.ToPoolAsync"/> from a thread off the pool (the socket engine's, under inline scheduling) always
/// resumes its caller on the pool, however fast the pool takes the continuation; on the pool it goes on where it is.
/// </summary>
public sealed class ThreadPoolHopTests
{
    [Fact]
    public async Task Every_await_from_a_thread_off_the_pool_resumes_on_the_pool()
    {
        // Each hop is begun on the test's own thread, as a moved request's is on the socket engine's, many times over: a
        // hop whose task the pool completed before the caller's await looked at it went on on this thread.
        const int Hops = 20_000;
        var hops = new Task<bool>[Hops];
        var own = new Thread(() =>
        {
            for (var i = 0; i < hops.Length; i++)
            {
                hops[i] = HopAsync();
            }
        });
        own.Start();
        own.Join();

        var onPool = await Task.WhenAll(hops);
        Assert.Equal(Hops, onPool.Count(pool => pool));
    }

    [Fact]
    public async Task On_a_pool_thread_the_hop_completes_at_once()
    {
        var (before, after) = await Task.Run(async () =>
        {
            var thread = Environment.CurrentManagedThreadId;
            var awaiter = ThreadPoolHop.ToPoolAsync().GetAwaiter();
            Assert.True(awaiter.IsCompleted);
            await ThreadPoolHop.ToPoolAsync();
            return (thread, Environment.CurrentManagedThreadId);
        });
        Assert.Equal(before, after);
    }

    private static async Task<bool> HopAsync()
    {
        await ThreadPoolHop.ToPoolAsync();
        return Thread.CurrentThread.IsThreadPoolThread;
    }
}
